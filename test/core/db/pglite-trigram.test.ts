import { describe, expect, it } from 'vitest'
import { freshDatabase } from '../../helpers/databases.js'

// The embedded engine once loaded pg_trgm twice (with a second extension bundle): the `%` operator then answered nothing
// and the statement after it never returned. Each opening can go either way, so several are tried.
describe('trigram operators on the embedded engine', () => {
  it.each([1, 2, 3, 4])('answer, and the next statement too, in opening %i', async () => {
    const t = await freshDatabase('pglite')
    try {
      const r = await t.admin.query<{ similar: boolean; word: boolean; unlike: boolean }>(
        `select 'Margaret Thornton'::text % 'Margret Thorton'::text as similar, 'Thornton'::text <% 'Margaret Thornton'::text as word,
                'Margaret Thornton'::text % 'Zebediah Quill'::text as unlike`,
      )
      expect(r.rows).toEqual([{ similar: true, word: true, unlike: false }])
      expect((await t.admin.query<{ n: number }>('select 1 as n')).rows).toEqual([{ n: 1 }])
    } finally {
      await t.dispose()
    }
  })
})
