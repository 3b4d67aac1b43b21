import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { it, expect } from 'vitest'
import { makeBackup } from '../../../core/backup/make.js'
import { startTestApp } from '../../helpers/app.js'
import { businessRecords } from '../../helpers/business-records.js'
import { engines } from '../../helpers/databases.js'

for (const engine of engines)
  it(`smoke ${engine}`, async () => {
    const app = await startTestApp(engine)
    await businessRecords((key, data) => { const [d, a] = key.split('.'); return app.ownerAction(d, a, data) }, app.t.db, app.tenant.tenant_id, 1)
    const dir = mkdtempSync(join(tmpdir(), 'crm-bk-'))
    const t0 = Date.now()
    const result = await makeBackup(
      { db: app.t.db, config: { databaseUrl: app.t.url, dataDir: dir, backup: { key: randomBytes(32), dir } }, documents: app.services.documents, now: () => new Date() },
      { reason: 'manual' },
    )
    console.log(Date.now() - t0, JSON.stringify(result).slice(0, 1500))
    expect(result.verified).toBe(true)
    await app.close()
  }, 120_000)
