import type { Database } from '../../core/db/types.js'
import { createAgentToken } from '../../core/auth/agent-tokens.js'
import { withTenant } from '../../core/db/tenant.js'
import { b64, PNG } from './files.js'

/** Runs one action as the business's owner and returns what it answered. */
export type OwnerRun = (key: string, data: unknown) => Promise<any>

/**
 * A business's worth of records for synthesized calls to name, each made by its own action as the owner: a service, a
 * technician, a customer with an address and a visit, a note, a call, a fact, a calendar feed, an invoice, a lead and its
 * opportunity, an offer of times, a waitlist entry, a series, a template, an email, a standing rule, quotes and an order, a
 * custom field, a segment, a document, a reach-out rule with a batch waiting, a recurring invoice (and one paused), a service plan sold three times (active, paused, proposed), saved
 * cards, a paid invoice, a declined card charge, and a spare agent token. Ids are keyed by what a field names (contact_id: contact).
 */
export async function businessRecords(run: OwnerRun, db: Database, tenantId: string, n: number): Promise<Record<string, string>> {
  const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
  const service = await run('service.create', { name: `Window cleaning ${n}`, pricing: 'fixed', price_cents: 15000 })
  const user = await run('user.add', { email: `tech${n}@output.test`, name: `Tech ${n}`, role: 'technician' })
  const contact = await run('contact.create', {
    display_name: `Customer ${n}`,
    email: `customer${n}@output.test`,
    phone: `(256) 555-${1000 + n}`,
  })
  const other = await run('contact.create', { display_name: `Neighbour ${n}` })
  const address = await run('address.add', {
    contact_id: contact.id,
    line1: `${n} Elm St`,
    city: 'Huntsville',
    state: 'AL',
    postal_code: '35801',
  })
  const ticket = await run('ticket.create', {
    contact_id: contact.id,
    address_id: address.id,
    scheduled_start: `${day(2 + (n % 20))}T15:00:00Z`,
    technician_ids: [user.id],
    line_items: [{ service_id: service.id }],
  })
  const note = await run('note.add', { contact_id: contact.id, content: 'Has a dog' })
  const interaction = await run('interaction.log', {
    contact_id: contact.id,
    kind: 'call',
    direction: 'inbound',
    summary: 'Asked for a quote',
    follow_up_on: day(3),
  })
  const attribute = await run('attribute.set', { contact_id: contact.id, key: 'pets', value: 'dog' })
  const feed = await run('calendar_feed.create', { user_id: user.id })
  const invoice = await run('invoice.create', { contact_id: contact.id, line_items: [{ service_id: service.id }] })
  const lead = await run('lead.create', { raw_notes: 'Called about a quote for 20 windows', name: `Lee ${n}` })
  const opportunity = await run('opportunity.create', {
    title: `Windows for Lee ${n}`,
    lead_id: lead.id,
    contact_id: contact.id,
    amount_cents: 30000,
  })
  // Two free times for the new technician on a weekday two months ahead, in business hours.
  const weekday = new Date(Date.now() + (60 + n) * 86_400_000)
  while (weekday.getUTCDay() !== 3) weekday.setUTCDate(weekday.getUTCDate() + 1)
  const offer = await run('slot_offer.send', {
    contact_id: contact.id,
    service_ids: [service.id],
    slots: ['14:00', '15:00'].map((time) => ({ start: `${weekday.toISOString().slice(0, 10)}T${time}`, technician_id: user.id })),
  })
  const entry = await run('waitlist.add', { contact_id: contact.id, latest_date: day(40) })
  const series = await run('series.create', {
    contact_id: contact.id,
    address_id: address.id,
    rule: 'FREQ=WEEKLY;INTERVAL=2',
    start_date: day(30),
    start_time: '09:00',
    technician_ids: [user.id],
    line_items: [{ service_id: service.id }],
  })
  const template = await run('template.create', {
    kind: 'custom',
    name: `Note ${n}`,
    subject: 'Hello {{customer_first_name}}',
    body: 'Thanks, {{customer_first_name}}',
  })
  const message = await run('message.schedule', {
    contact_id: contact.id,
    kind: 'custom',
    body: 'See you soon',
    send_at: `${day(3)}T15:00:00Z`,
  })
  const rule = await run('standing_rule.create', { action: 'invoice.void' })
  const quote = await run('quote.create', { contact_id: contact.id, line_items: [{ service_id: service.id }] })
  const accepted = await run('quote.create', { contact_id: contact.id, line_items: [{ service_id: service.id }] })
  const { order } = await run('quote.record_answer', { quote_id: accepted.id, answer: 'accept' })
  const field = await run('custom_field.define', { applies_to: 'contact', key: `field_${n}`, label: `Field ${n}`, field_type: 'text' })
  const segment = await run('segment.create', { name: `Segment ${n}`, kind: 'manual' })
  const document = await run('document.upload', { contact_id: contact.id, name: `Porch ${n}`, content_base64: b64(PNG) })
  // A visit cancelled ahead of its time leaves an opening of the schedule.
  const cancelled = await run('ticket.create', {
    contact_id: contact.id,
    address_id: address.id,
    scheduled_start: `${day(12)}T16:30`,
    technician_ids: [user.id],
    line_items: [{ service_id: service.id }],
  })
  await run('ticket.cancel', { ticket_id: cancelled.id, reason: 'moved away' })
  // A token of its own, so revoking it leaves the test's agent working.
  const system = { tenantId, actorType: 'system' as const, actorId: null }
  const opening = await withTenant(db, system, async (tx) =>
    String((await tx.query('select id from schedule_openings where ticket_id = $1', [cancelled.id])).rows[0].id),
  )
  const token = await withTenant(db, system, (tx) => createAgentToken(tx, tenantId, `Spare agent ${n}`))
  // A reach-out rule, off, and a batch of its waiting for the owner with the customer in it (batches are the daily run's).
  const reachOut = await run('reach_out_rule.create', { name: `Lapsed ${n}`, trigger: 'no_visit', months: 6 })
  const batch = await withTenant(db, system, async (tx) => {
    const b = await tx.query(
      `insert into reach_out_batches (tenant_id, rule_id, run_on, recipient_count) values ($1, $2, current_date, 1) returning id`,
      [tenantId, reachOut.id],
    )
    await tx.query(`insert into reach_out_recipients (tenant_id, batch_id, contact_id, why) values ($1, $2, $3, 'last visit long ago')`, [
      tenantId,
      b.rows[0].id,
      contact.id,
    ])
    return String(b.rows[0].id)
  })
  // A recurring invoice of the customer starting in a month, and one paused.
  const recurring = await run('recurring_invoice.create', {
    contact_id: contact.id,
    cycle: 'monthly',
    starts_on: day(30),
    line_items: [{ service_id: service.id }],
  })
  const paused = await run('recurring_invoice.create', {
    contact_id: contact.id,
    cycle: 'quarterly',
    starts_on: day(31),
    line_items: [{ description: `Atrium glass ${n}`, unit_price_cents: 30000 }],
  })
  await run('recurring_invoice.pause', { recurring_invoice_id: paused.id })
  // A plan of the catalog sold to the customer three times: active, paused and only proposed; a saved card for the
  // customer and the neighbour (Stripe's ids made up: nothing here calls Stripe), a paid invoice, and a declined charge.
  const plan = await run('plan.create', {
    name: `Monthly windows ${n}`,
    includes: [{ service_id: service.id, visits: 1 }],
    price_cents: 4500,
    cycle: 'monthly',
    term_cycles: 12,
  })
  const sold = async () => (await run('customer_plan.propose', { plan_id: plan.id, contact_id: contact.id, starts_on: day(30) })).id
  const [active, pausedPlan, proposed] = [await sold(), await sold(), await sold()]
  const paid = await run('invoice.create', { contact_id: contact.id, line_items: [{ service_id: service.id }] })
  await run('invoice.mark_sent', { invoice_id: paid.id })
  const { payment } = await run('invoice.record_payment', { invoice_id: paid.id, amount_cents: 5000, method: 'cash' })
  await withTenant(db, system, async (tx) => {
    await tx.query(`update customer_plans set status = 'active', accepted_at = now() where id = $1`, [active])
    await tx.query(`update customer_plans set status = 'paused', accepted_at = now(), paused_at = now() where id = $1`, [pausedPlan])
    for (const [who, tag] of [
      [contact.id, 'a'],
      [other.id, 'b'],
    ])
      await tx.query(
        `insert into saved_cards (tenant_id, contact_id, stripe_customer_id, payment_method_id, brand, last4, exp_month, exp_year,
           mandate_text, setup_session_id) values ($1, $2, $3, $4, 'visa', '4242', 12, 2030, 'I authorize it.', $5)`,
        [tenantId, who, `cus_records_${n}${tag}`, `pm_records_${n}${tag}`, `cs_records_${n}${tag}`],
      )
    await tx.query(
      `insert into autopay_attempts (tenant_id, invoice_id, attempt, idempotency_key, saved_card_id, amount_cents, status, code,
         decline_code, message, retry_on, finished_at)
       select $1, $2::uuid, 1, 'records-' || $2::text, s.id, 15000, 'declined', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.',
         current_date + 1, now() from saved_cards s where s.contact_id = $3`,
      [tenantId, invoice.id, contact.id],
    )
  })
  return {
    agent_token: token.id,
    service: service.id,
    user: user.id,
    contact: contact.id,
    to_contact: other.id,
    merged: other.id,
    survivor: contact.id,
    address: address.id,
    ticket: ticket.id,
    line_item: ticket.line_items[0].id,
    note: note.id,
    interaction: interaction.id,
    attribute: attribute.id,
    calendar_feed: feed.id,
    invoice: invoice.id,
    lead: lead.id,
    opportunity: opportunity.id,
    waitlist_entry: entry.id,
    offer: offer.id,
    series: series.id,
    visit: series.next_visits[0].id,
    template: template.id,
    message: message.id,
    rule: rule.id,
    quote: quote.id,
    order: order.id,
    custom_field: field.id,
    segment: segment.id,
    document: document.id,
    schedule_opening: opening,
    reach_out_rule: reachOut.id,
    reach_out_batch: batch,
    batch,
    recurring_invoice: recurring.id,
    paused_recurring_invoice: paused.id,
    plan: plan.id,
    customer_plan: active,
    paused_customer_plan: pausedPlan,
    proposed_customer_plan: proposed,
    paid_invoice: paid.id,
    payment: payment.id,
  }
}
