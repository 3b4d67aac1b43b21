import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backupFolderCensus } from '../../../core/backup/folder-census.js'
import { archiveName } from '../../../core/backup/retention.js'
import { backupDir } from '../../helpers/backups.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

// Both engines: archives are made on and restored into each engine.

const BUSINESS = '6f1c2b1e-8d4a-4c3e-9a57-0b2f1d3e4c5a'

describe.each(bothEngines)('the backup folder as the doctor counts it (%s)', (engine) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase(engine)
  })
  afterAll(() => t?.dispose())

  it('counts the archives, and those not in this database’s backup history, newest first; other files are not archives', async () => {
    const dir = backupDir()
    const at = (day: number, minute = 30) => new Date(Date.UTC(2026, 10, day, 8, minute))
    const ours = [archiveName(BUSINESS, 'nightly', at(1)), archiveName('all', 'manual', at(2))]
    // The same business's archives of another installation sharing the folder, and one a bucket copy names.
    const theirs = [1, 2, 3, 4].map((day) => archiveName(BUSINESS, 'nightly', at(day, 31)))
    const inBucket = archiveName(BUSINESS, 'nightly', at(5))
    for (const name of [...ours, ...theirs, inBucket, 'notes.txt', `${archiveName(BUSINESS, 'nightly', at(6))}.part`])
      writeFileSync(join(dir, name), '')
    mkdirSync(join(dir, 'old'))
    await t.db.query(
      `insert into backup_runs (business_id, reason, status, nightly_day, started_at, finished_at, file, remote) values
       ($1, 'nightly', 'verified', '2026-11-01', $2, $2, $3, null),
       (null, 'manual', 'verified', null, $2, $2, $4, null),
       ($1, 'nightly', 'failed', '2026-11-05', $2, $2, null, $5),
       ($1, 'nightly', 'failed', '2026-11-06', $2, $2, null, null)`,
      [BUSINESS, at(1).toISOString(), join(dir, ours[0]), join('/elsewhere', ours[1]), `s3://b/service-crm/${inBucket}`],
    )
    expect(await backupFolderCensus(t.db, dir)).toEqual({
      dir,
      archives: 7,
      foreign: 4,
      foreign_examples: [theirs[3], theirs[2], theirs[1]],
    })
    expect(await backupFolderCensus(t.db, join(dir, 'not-made-yet'))).toEqual({
      dir: join(dir, 'not-made-yet'),
      archives: 0,
      foreign: 0,
      foreign_examples: [],
    })
  })
})
