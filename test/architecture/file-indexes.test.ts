import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FILE_INDEXES, indexText } from '../../cli/file-indexes.mjs'
import { root } from '../helpers/build.js'

describe('the generated indexes of files found by convention', () => {
  it.each(FILE_INDEXES.map((spec) => [spec.index, spec] as const))(
    '%s is checked in as the folders say (npm run generate writes it)',
    (_, spec) => {
      expect(readFileSync(join(root, spec.index), 'utf8')).toBe(indexText(root, spec))
    },
  )

  it('each holds files, so a convention renamed in the code but not here fails', () => {
    for (const spec of FILE_INDEXES) expect(indexText(root, spec).match(/^import \* as/gm)?.length ?? 0, spec.index).toBeGreaterThan(1)
  })
})
