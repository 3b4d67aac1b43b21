import { randomUUID } from 'node:crypto'
import { withTenant } from '../../../core/db/tenant.js'
import { syncGoogleAccount } from '../../../core/domains/google/sync/sync-account.js'
import { performAction } from '../../../core/kernel/operations.js'
import { localDate } from '../../../core/vocabulary/time.js'
import type { TestApp } from '../../helpers/app.js'
import type { GoogleFixture } from '../../helpers/google.js'

/** A business with an owner and two technicians, each technician's calendar connected. */
export interface CalendarBusiness {
  tenantId: string
  ownerId: string
  techs: Array<{ id: string; email: string }>
  contactId: string
  addressId: string
  /** Runs an action as the owner; returns its result. */
  act<T = any>(domain: string, action: string, data: Record<string, unknown>): Promise<T>
  /** Runs an action as a technician of the business. */
  actAs<T = any>(userId: string, domain: string, action: string, data: Record<string, unknown>): Promise<T>
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>
  /** One sync of a person's account, as the worker runs it. */
  sync(userId: string): ReturnType<typeof syncGoogleAccount>
  /** Books a visit for these technicians, `days` from now at 15:00 UTC, with a service line. */
  book(technicianIds: string[], days: number): Promise<string>
}

/** Makes a business, its team, a customer with an address and gate notes, and connects the technicians' calendars. */
export async function calendarBusiness(app: TestApp, google: GoogleFixture): Promise<CalendarBusiness> {
  const tenant = await app.createTenant(`Windows ${randomUUID().slice(0, 6)}`)
  const tenantId = tenant.tenant_id
  const owner = { tenantId, actor: { type: 'user' as const, id: tenant.owner_user_id, role: 'owner' as const } }
  const act = async (domain: string, action: string, data: Record<string, unknown>) =>
    (await performAction(app.services, owner, { domain, action, data }, { requestId: randomUUID() })).result as any
  const sql = async (text: string, params: unknown[] = []) =>
    (await withTenant(app.t.db, { tenantId, actorType: 'system' }, (tx) => tx.query(text, params))).rows as any[]
  await sql(`update tenants set timezone = 'America/New_York' where id = app_tenant()`)
  const techs: Array<{ id: string; email: string }> = []
  for (const name of ['Ana', 'Ben']) {
    const user = await act('user', 'add', {
      email: `${name.toLowerCase()}-${randomUUID().slice(0, 6)}@team.test`,
      name,
      role: 'technician',
    })
    const id = user.id ?? user.user_id
    techs.push({ id, email: await google.connect(app.t.db, tenantId, id, ['calendar']) })
  }
  const contact = await act('contact', 'create', { display_name: 'Jane Smith' })
  const address = await act('address', 'add', {
    contact_id: contact.id,
    line1: '12 Oak St',
    city: 'Huntsville',
    state: 'AL',
    postal_code: '35801',
    access_notes: 'Gate code 4821',
  })
  return {
    tenantId,
    ownerId: tenant.owner_user_id,
    techs,
    contactId: contact.id,
    addressId: address.id,
    act,
    actAs: async (userId, domain, action, data) =>
      (
        await performAction(
          app.services,
          { tenantId, actor: { type: 'user', id: userId, role: 'technician' } },
          { domain, action, data },
          { requestId: randomUUID() },
        )
      ).result as any,
    sql,
    sync: (userId) => syncGoogleAccount(app.services, tenantId, userId, randomUUID()),
    async book(technicianIds, days) {
      const start = new Date(Date.now() + days * 86_400_000)
      start.setUTCHours(15, 0, 0, 0)
      const ticket = await act('ticket', 'create', {
        contact_id: contact.id,
        address_id: address.id,
        scheduled_start: start.toISOString(),
        duration_minutes: 90,
        technician_ids: technicianIds,
        line_items: [{ description: 'Window cleaning', unit_price_cents: 12_500 }],
      })
      return ticket.id
    },
  }
}

/** A weekly series of the first technician's from tomorrow at 10:00 New York time; its visits, earliest first. */
export async function weeklySeries(
  b: CalendarBusiness,
): Promise<{ seriesId: string; visits: Array<{ id: string; scheduled_start: Date }> }> {
  const tomorrow = localDate(new Date(Date.now() + 86_400_000), 'America/New_York')
  const series = await b.act('series', 'create', {
    contact_id: b.contactId,
    address_id: b.addressId,
    rule: 'FREQ=WEEKLY',
    start_date: tomorrow,
    start_time: '10:00',
    duration_minutes: 90,
    technician_ids: [b.techs[0].id],
    line_items: [{ description: 'Window cleaning', unit_price_cents: 12_500 }],
  })
  const visits = await b.sql<{ id: string; scheduled_start: Date }>(
    'select id, scheduled_start from tickets where series_id = $1 order by scheduled_start',
    [series.id],
  )
  return { seriesId: series.id as string, visits }
}
