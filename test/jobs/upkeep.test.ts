// The embedded engine by subject, in its thread as the server runs it: it runs no autovacuum, so the worker vacuums and
// analyzes it (core/jobs/upkeep.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runJobsOnce } from '../../core/jobs/worker.js'
import { UPKEEP_EVERY_MS, UPKEEP_FIRST_AFTER_MS, upkeepDue } from '../../core/jobs/upkeep.js'
import type { Services } from '../../core/kernel/context.js'
import { startTestApp, type TestApp } from '../helpers/app.js'

const MINUTE = 60 * 1000

describe('the embedded database kept analyzed and vacuumed by the worker', () => {
  let app: TestApp
  let clock = new Date('2026-06-10T12:00:00Z')

  beforeAll(async () => {
    app = await startTestApp('pglite-thread', { now: () => clock, integrations: { stripe: null } })
    for (let i = 0; i < 30; i++)
      await app.action('contact', 'create', { display_name: `Upkeep Customer ${'abcdefghijklmnopqrstuvwxyzABCD'[i]}` })
  })
  afterAll(() => app.close())

  const later = (ms: number) => {
    clock = new Date(clock.getTime() + ms)
  }
  /** What the planner and the statistics know of the contacts table. */
  const contactsTable = async () =>
    (
      await app.t.admin.query<{ reltuples: number; last_analyze: Date | null; last_vacuum: Date | null }>(
        `select c.reltuples, s.last_analyze, s.last_vacuum from pg_class c join pg_stat_user_tables s on s.relid = c.oid
         where c.relname = 'contacts' and c.relnamespace = 'public'::regnamespace`,
      )
    ).rows[0]

  it('waits an hour after the first pass, then vacuums and analyzes every table, and again a day later', async () => {
    const contacts = Number((await app.t.admin.query<{ n: string }>('select count(*) as n from contacts')).rows[0].n)
    expect(contacts).toBeGreaterThanOrEqual(30)
    await runJobsOnce(app.services)
    expect((await contactsTable()).last_analyze).toBeNull()
    later(UPKEEP_FIRST_AFTER_MS - MINUTE)
    await runJobsOnce(app.services)
    expect((await contactsTable()).last_analyze).toBeNull()

    later(2 * MINUTE)
    await runJobsOnce(app.services)
    const first = await contactsTable()
    expect(first.last_analyze).not.toBeNull()
    expect(first.last_vacuum).not.toBeNull()
    expect(first.reltuples).toBe(contacts)

    await app.t.admin.query(`delete from contacts where display_name = 'Upkeep Customer A'`)
    later(UPKEEP_EVERY_MS - MINUTE)
    await runJobsOnce(app.services)
    expect((await contactsTable()).reltuples).toBe(contacts)
    later(2 * MINUTE)
    await runJobsOnce(app.services)
    expect((await contactsTable()).reltuples).toBe(contacts - 1)
  })

  it('leaves a PostgreSQL server to its own autovacuum', () => {
    const server = { db: { engine: 'postgres' }, now: () => clock } as unknown as Services
    expect(upkeepDue(server)).toBe(false)
    later(UPKEEP_EVERY_MS * 2)
    expect(upkeepDue(server)).toBe(false)
  })
})
