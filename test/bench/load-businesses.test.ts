import { afterEach, describe, expect, it } from 'vitest'
import { seedLoadBusinesses } from '../../bench/load-businesses.js'
import { engines, freshDatabase, type TestDatabase } from '../helpers/databases.js'

describe.each(engines)('the businesses a load is measured on (%s)', (engine) => {
  let database: TestDatabase | undefined
  afterEach(async () => {
    await database?.dispose()
    database = undefined
  })

  it('are at rest when the server starts: the visits are booked and the emails they queued already delivered', async () => {
    database = await freshDatabase(engine)
    const { db } = database
    const [business] = await seedLoadBusinesses(db, 1, 10)
    const count = async (sql: string) => Number((await database!.admin.query<{ n: string }>(sql)).rows[0].n)

    expect(business.contactIds).toHaveLength(10)
    expect(await count(`select count(*) as n from tickets where scheduled_start > now()`)).toBe(60)
    expect(await count(`select count(*) as n from scheduled_messages where status = 'sent'`)).toBeGreaterThan(0)
    expect(await count(`select count(*) as n from scheduled_messages where status = 'pending' and send_at <= now()`)).toBe(0)
  })
})
