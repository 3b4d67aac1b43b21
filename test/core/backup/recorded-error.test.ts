import { describe, expect, it } from 'vitest'
import { recordedError } from '../../../core/backup/make.js'
import { ArchiveError } from '../../../core/backup/archive-error.js'

describe('the reason a failed backup keeps, which every owner it covers reads', () => {
  it("keeps the product's own messages and a file system's", () => {
    expect(recordedError(new ArchiveError('damaged', 'The archive did not restore: contacts has 3 rows, not 4'))).toBe(
      'The archive did not restore: contacts has 3 rows, not 4',
    )
    expect(recordedError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))).toMatch(/ENOSPC/)
  })

  it("gives a database's refusal by its code alone: its text may quote any business's row", () => {
    const refused = Object.assign(new Error('invalid input syntax for type json: Token "Jane Smith, gate code 4417" is invalid'), {
      code: '22P02',
    })
    expect(recordedError(refused)).toBe('the database refused a statement (SQLSTATE 22P02); the server log has the details')
  })
})
