import { afterAll, describe, expect, it } from 'vitest'
import { openArchive } from '../../../core/backup/archive.js'
import { withTenant } from '../../../core/db/tenant.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { backUp, backupKey } from '../../helpers/backups.js'

/** The embedded engine as the server runs it (in its thread), and a PostgreSQL server when there is one. */
const ENGINES = process.env.TEST_DATABASE_URL ? (['pglite-thread', 'postgres'] as const) : (['pglite-thread'] as const)

for (const engine of ENGINES) {
  describe(`a backup made on ${engine} while the business keeps writing`, () => {
    let app: TestApp
    afterAll(() => app?.close())

    it('holds a prefix of the writes, in order, with no gap', async () => {
      app = await startTestApp(engine)
      const tenantId = app.tenant.tenant_id
      let written = 0
      let stop = false
      // One customer after another, each in a transaction of its own, numbered in the order they were committed.
      const writer = (async () => {
        while (!stop) {
          const n = written + 1
          await withTenant(app.t.db, { tenantId, actorType: 'system' }, (tx) =>
            tx.query(`insert into contacts (tenant_id, display_name) values ($1, $2)`, [tenantId, `In order ${n}`]),
          )
          written = n
        }
      })()
      while (written < 20) await new Promise((resolve) => setTimeout(resolve, 20))
      const key = backupKey()
      const backup = await backUp(app, key)
      const duringBackup = written
      while (written < duringBackup + 5) await new Promise((resolve) => setTimeout(resolve, 20))
      stop = true
      await writer

      // What the archive holds (restoring it is tested on its own): its rows of contacts, as written.
      const { entries } = await openArchive(backup.file, key)
      const numbers: number[] = []
      for await (const { head, payload } of entries) {
        if (head.type !== 'rows' || head.table !== 'contacts') continue
        for (const line of payload.toString('utf8').trimEnd().split('\n')) {
          const name = String(JSON.parse(line).display_name)
          if (name.startsWith('In order ')) numbers.push(Number(name.slice('In order '.length)))
        }
      }
      numbers.sort((a, b) => a - b)
      expect(numbers.length).toBeGreaterThanOrEqual(20)
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1))
      // The writes after the snapshot are not in it: the archive is one moment, not a smear.
      expect(numbers.length).toBeLessThan(written)
    }, 180_000)
  })
}
