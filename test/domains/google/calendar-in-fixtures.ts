import { randomUUID } from 'node:crypto'
import type { Principal } from '../../../core/kernel/context.js'
import { withTenant } from '../../../core/db/tenant.js'
import { visitEventId } from '../../../core/domains/google/calendar/visit-event.js'
import { loadGoogleConnection } from '../../../core/domains/google/connection.js'
import { GOOGLE_STEPS } from '../../../core/domains/google/sync/step-list.js'
import type { GoogleStepReport } from '../../../core/domains/google/sync/steps.js'
import { accountCaller } from '../../../core/domains/google/tokens.js'
import { performAction, performQuery } from '../../../core/kernel/operations.js'
import { syncGoogle } from '../../../core/domains/google/sync-job.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import type { TestEngine } from '../../helpers/databases.js'
import { type GoogleFixture, googleFixture } from '../../helpers/google.js'

/** A business whose technician Alice connected her Google calendar, on a clock the test drives. */
export interface CalendarInWorld {
  app: TestApp
  google: GoogleFixture
  owner: Principal
  alice: string
  aliceEmail: string
  jane: string
  /** The clock the services read. */
  clock: { now: Date }
  act<T = any>(domain: string, action: string, data: unknown, reasoning?: string, as?: Principal): Promise<T>
  /** A data type's page, or with an id its one record. */
  read(type: string, filters?: Record<string, string>, id?: string): Promise<any>
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>
  /** A visit of Alice's booked here, and its event as the next worker pass writes it to her Google calendar. */
  visit(start: string, end: string): Promise<{ ticketId: string; eventId: string }>
  /** Alice moves an event in her Google calendar. */
  move(eventId: string, start: string, end: string): void
  /** Alice deletes an event in her Google calendar. */
  remove(eventId: string): void
  /** Alice adds an event of her own (busy unless shown as free); its id. */
  busy(start: string, end: string, options?: { transparency?: 'opaque' | 'transparent' }): string
  /** Google forgets Alice's sync tokens: the next read answers 410. */
  forgetTokens(): void
  /** The push channels opened at Google, with the token each was given. */
  channels(): Array<{ id: string; token: string; stopped: boolean }>
  /** The clock moves on past the worker's period, then one worker pass runs. */
  pass(): ReturnType<typeof syncGoogle>
  /** One step of Alice's sync alone: her visits written out, or her calendar read back. */
  step(name: 'calendar-out' | 'calendar-in'): Promise<GoogleStepReport>
  close(): Promise<void>
}

/** Starts the world on this engine: Monday 2026-11-02 06:00 in Chicago. */
export async function calendarInWorld(engine: TestEngine): Promise<CalendarInWorld> {
  const google = await googleFixture()
  const calendar = google.fake.calendar
  const clock = { now: new Date('2026-11-02T12:00:00Z') }
  const app = await startTestApp(engine, { ...google.services, now: () => clock.now })
  const owner: Principal = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
  const act = async (domain: string, action: string, data: unknown, reasoning?: string, as = owner) =>
    (await performAction(app.services, as, { domain, action, data, reasoning }, { requestId: randomUUID() })).result as any
  const alice = (await act('user', 'add', { email: 'alice@sparkle.test', name: 'Alice Tech' })).id
  const jane = (await act('contact', 'create', { display_name: 'Jane Smith', email: 'jane@example.com' })).id
  const aliceEmail = await google.connect(app.t.db, app.tenant.tenant_id, alice, ['calendar'])
  // The connect asked for a sync at the database's own time; the test's clock stands earlier.
  await withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, (tx) =>
    tx.query('update google_connections set sync_requested_at = null'),
  )
  const pass = () => {
    clock.now = new Date(clock.now.getTime() + 31_000)
    return syncGoogle(app.services)
  }
  return {
    app,
    google,
    owner,
    alice,
    aliceEmail,
    jane,
    clock,
    act,
    read: (type, filters = {}, id) => performQuery(app.services, owner, { type, id, filters }, { requestId: randomUUID() }) as Promise<any>,
    sql: async (text, params = []) =>
      (await withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, (tx) => tx.query(text, params))).rows as any[],
    async visit(start, end) {
      const ticket = await act('ticket', 'create', {
        contact_id: jane,
        scheduled_start: start,
        scheduled_end: end,
        technician_ids: [alice],
      })
      const eventId = visitEventId(ticket.id, 'primary')
      const written = await pass()
      if (written.failures.length || !calendar.event(aliceEmail, 'primary', eventId))
        throw new Error(`the visit was not written: ${JSON.stringify(written)}`)
      return { ticketId: ticket.id, eventId }
    },
    move: (eventId, start, end) => {
      calendar.moveEvent(aliceEmail, 'primary', eventId, { start, end })
    },
    remove: (eventId) => calendar.deleteEvent(aliceEmail, 'primary', eventId),
    busy: (start, end, options = {}) => calendar.addBusyEvent(aliceEmail, 'primary', { start, end, summary: 'Dentist', ...options }).id,
    forgetTokens: () => calendar.invalidateSyncTokens(),
    channels: () => [...calendar.channels.values()].map((c) => ({ id: c.id, token: c.token ?? '', stopped: c.stopped })),
    pass,
    async step(name) {
      const tenantId = app.tenant.tenant_id
      const connection = await withTenant(app.t.db, { tenantId, actorType: 'system' }, (tx) => loadGoogleConnection(tx, alice))
      const step = GOOGLE_STEPS.find((s) => s.name === name)
      if (!step || !connection) throw new Error(`no step ${name} or no connection`)
      const caller = accountCaller(app.services, tenantId, alice)
      return step.sync({ services: app.services, tenantId, userId: alice, role: 'technician', connection, caller, holder: 'test' })
    },
    async close() {
      await app.close()
      await google.close()
    },
  }
}
