import { expect } from 'vitest'
import { issueResponseLinks } from '../../core/domains/messages/response-links.js'
import { asTenant } from '../helpers/fixtures.js'
import { okOf } from '../helpers/page-app.js'
import { techFixture, type TechFixture } from '../helpers/technician-fixture.js'

/** The technician fixture plus what the owner's Home lists: work to bill, an overdue invoice, a queued request, answers and a lead. */
export interface HomeFixture extends TechFixture {
  /** A ticket tomorrow with no technician; one two days back never closed; one whose confirmation is unanswered. */
  extra: { tomorrow: string; unclosed: string; unanswered: string }
  invoice: { id: string; number: string }
  requestId: string
  leadId: string
}

/** What the test business's agent gets back from an action; anything but success fails the test. */
function ok(f: TechFixture, domain: string, action: string, data: unknown): Promise<any> {
  return okOf(() => f.app)(domain, action, data)
}

/** A customer's answer through the link in the ticket's confirmation email. */
export async function answerConfirmation(
  f: TechFixture,
  ticketId: string,
  answer?: 'confirm' | 'decline' | 'change',
  note = '',
): Promise<void> {
  const m = (await f.app.query({ type: 'scheduled_messages', ticket_id: ticketId, kind: 'confirmation', status: 'pending' })).body.data
    .items[0]
  expect(m, 'a confirmation email is queued for the ticket').toBeTruthy()
  const links = await asTenant(f.app, (tx) =>
    issueResponseLinks(tx, f.app.services, f.app.tenant.tenant_id, { id: m.id, kind: m.kind, ticket_id: ticketId }),
  )
  if (!answer) return
  const res = await fetch(String(links[`${answer}_link`]), { method: 'POST', body: new URLSearchParams({ answer, note }) })
  expect(res.status).toBe(200)
}

/** Starts the app on the engine with the technician fixture, then seeds every part of Home through the API. */
export async function homeFixture(engine: 'pglite' | 'postgres', names: { customer?: string; note?: string } = {}): Promise<HomeFixture> {
  const f = await techFixture(engine)
  const contactId = names.customer
    ? (await ok(f, 'contact', 'update', { contact_id: f.contactId, display_name: names.customer })).id
    : f.contactId
  const tomorrow = (await f.book('2026-11-06T14:00', [])).id
  const unclosed = (await f.book('2026-11-03T09:00', [f.techId])).id
  const unanswered = (await f.book('2026-11-10T09:00', [f.otherTechId])).id
  await answerConfirmation(f, unanswered)
  await answerConfirmation(f, f.tickets.future, 'decline', names.note ?? 'We are away that weekend')
  const created = await ok(f, 'invoice', 'create', {
    contact_id: contactId,
    issued_on: '2026-10-01',
    due_on: '2026-10-15',
    line_items: [{ description: 'Window cleaning', unit_price_cents: 12_500 }],
  })
  await ok(f, 'invoice', 'mark_sent', { invoice_id: created.id })
  const spare = await ok(f, 'contact', 'create', { display_name: names.customer ? `${names.customer} (spare)` : 'Spare Customer' })
  const queued = await f.app.action('contact', 'delete', { contact_id: spare.id }, { reasoning: 'Entered twice by mistake' })
  expect(queued.body.data?.status, JSON.stringify(queued.body)).toBe('pending_authorization')
  const lead = await ok(f, 'lead', 'create', {
    raw_notes: 'Called about gutters',
    name: names.customer ?? 'Larry Lead',
    service_interest: 'Gutter cleaning',
    reminder_at: '2026-11-04T15:00:00Z',
  })
  return {
    ...f,
    extra: { tomorrow, unclosed, unanswered },
    invoice: { id: created.id, number: created.number },
    requestId: queued.body.data.request_id,
    leadId: lead.id,
  }
}
