import { zonedInstant, addDays } from '../../core/vocabulary/time.js'
import type { Facts } from './cold-client.js'
import type { OfficeBusiness } from './seed.js'

/** Reads the business's database for a task's grade: one row's first column, or null. */
export type Read = (sql: string, params: unknown[]) => Promise<unknown>

/** An everyday office task: what the owner says, the facts a model would fill in, and how the database shows it done. */
export interface OfficeTask {
  name: string
  say(b: OfficeBusiness): string
  facts(b: OfficeBusiness): Facts
  /** For a task of two steps: the facts of the second call, from what the first one read. */
  next?(read: any, b: OfficeBusiness): Facts
  /** Null when the database (and, for a task that only reads, the answer) shows the task done; otherwise what is wrong. */
  check(read: Read, b: OfficeBusiness, answer: any): Promise<string | null>
  /** A task only the owner does: the agent is right to stop at crm_capabilities' answer saying where the owner does it. */
  ownerOnly?: boolean
}

const at = (b: OfficeBusiness, day: string, time: string) => zonedInstant(day, time, b.tz).toISOString()

/** Null when the read came back truthy, else the complaint. */
const expectRow = async (value: Promise<unknown>, complaint: string) => ((await value) ? null : complaint)

/** Null when a read task's answer holds what it must, else the complaint. */
const expectAnswer = (ok: boolean, complaint: string) => Promise.resolve(ok ? null : complaint)

/** Twenty-five and more everyday office tasks, each done cold (tools/list, crm_capabilities {q}, one call). */
export const OFFICE_TASKS: OfficeTask[] = [
  {
    name: 'offer morning times',
    say: () => 'Offer Hannah Brooks three morning times next week for exterior window cleaning',
    facts: () => ({
      part_of_day: 'morning',
      from: 'next week',
      service: 'Exterior Window Cleaning',
      limit: 3,
      contact_id: 'Hannah Brooks',
    }),
    next: (read: { items: Array<{ start: string; technician_id: string }> }) => ({
      contact_id: 'Hannah Brooks',
      services: ['Exterior Window Cleaning'],
      slots: read.items.map((i) => ({ start: i.start, technician_id: i.technician_id })),
      reasoning: 'Hannah asked for a morning next week.',
    }),
    check: async (read, b) => {
      const offered = await read(
        `select count(*)::int from slot_offer_slots s join slot_offers o on o.id = s.offer_id
          where o.contact_id = $1 and extract(hour from s.starts_at at time zone $2) < 12`,
        [b.customers.hannah, b.tz],
      )
      return offered === 3 ? null : `${offered} morning times offered to Hannah, not 3`
    },
  },
  {
    name: 'record a check',
    say: (b) => `Hannah Brooks paid invoice ${b.invoices.hannahOpen.number} by check, $150`,
    facts: (b) => ({ invoice_id: b.invoices.hannahOpen.number, amount_cents: 15_000, method: 'check', reasoning: 'Hannah paid by check.' }),
    check: (read, b) =>
      expectRow(
        read(`select 1 from payments where invoice_id = $1 and method = 'check' and amount_cents = 15000`, [b.invoices.hannahOpen.id]),
        'no check payment on the invoice',
      ),
  },
  {
    name: 'add a customer',
    say: () => 'Add a new customer: Carlos Ruiz, carlos.ruiz@example.com, 256-555-0199, 12 Oak St, Huntsville AL 35801',
    facts: () => ({
      first_name: 'Carlos',
      last_name: 'Ruiz',
      email: 'carlos.ruiz@example.com',
      phone: '(256) 555-0199',
      addresses: [{ line1: '12 Oak St', city: 'Huntsville', state: 'AL', postal_code: '35801' }],
    }),
    check: (read) =>
      expectRow(
        read(
          `select 1 from contacts c join addresses a on a.contact_id = c.id where c.email = 'carlos.ruiz@example.com' and a.line1 = '12 Oak St'`,
          [],
        ),
        'Carlos is not on file with his address',
      ),
  },
  {
    name: 'sick day',
    say: () => 'Sam Carter called in sick for tomorrow, move his visits to Dave Nguyen',
    facts: (b) => ({
      technician_id: 'Sam Carter',
      date: b.tomorrow,
      to_date: b.tomorrow,
      to_technician_id: 'Dave Nguyen',
      reasoning: 'Sam is sick.',
    }),
    check: async (read, b) => {
      const moved = await read(`select count(*)::int from ticket_technicians where ticket_id = any($1::uuid[]) and user_id = $2`, [
        [b.visits.samOne.id, b.visits.samTwo.id],
        b.technicians.dave,
      ])
      return moved === 2 ? null : `${moved} of Sam's 2 visits are Dave's`
    },
  },
  {
    name: 'book a visit',
    say: (b) => `Book Hannah Brooks for gutter cleaning on ${b.nextThursday} at 10:00`,
    facts: (b) => ({
      customer: 'Hannah Brooks',
      contact_id: 'Hannah Brooks',
      services: [{ name: 'Gutter Cleaning' }],
      date: b.nextThursday,
      time: '10:00',
      scheduled_start: at(b, b.nextThursday, '10:00'),
      line_items: [{ service_id: 'Gutter Cleaning' }],
    }),
    check: (read, b) =>
      expectRow(
        read(
          `select 1 from tickets t join ticket_line_items l on l.ticket_id = t.id
            where t.contact_id = $1 and t.scheduled_start = $2 and l.service_id = $3 and t.status <> 'cancelled'`,
          [b.customers.hannah, at(b, b.nextThursday, '10:00'), b.services.gutters],
        ),
        'no gutter visit for Hannah at 10:00',
      ),
  },
  {
    name: 'add a line to a visit',
    say: (b) => `Add screen cleaning for 12 screens to visit #${b.visits.addLine.number}`,
    facts: (b) => ({ ticket_id: `#${b.visits.addLine.number}`, service_id: 'Screen Cleaning', quantity: 12 }),
    check: (read, b) =>
      expectRow(
        read(`select 1 from ticket_line_items where ticket_id = $1 and service_id = $2 and quantity = 12`, [
          b.visits.addLine.id,
          b.services.screens,
        ]),
        'no 12 screens on the visit',
      ),
  },
  {
    name: 'add a service',
    say: () => 'Add pressure washing to our services: $200 flat, 90 minutes',
    facts: () => ({ name: 'Pressure Washing', pricing: 'fixed', price_cents: 20_000, default_duration_minutes: 90 }),
    check: (read) =>
      expectRow(read(`select 1 from services where name = 'Pressure Washing' and price_cents = 20000`, []), 'no Pressure Washing at $200'),
  },
  {
    name: 'change a price',
    say: () => 'Raise the price of gutter cleaning to $140',
    facts: () => ({ service_id: 'Gutter Cleaning', price_cents: 14_000 }),
    check: (read, b) =>
      expectRow(read(`select 1 from services where id = $1 and price_cents = 14000`, [b.services.gutters]), 'gutter cleaning is not $140'),
  },
  {
    name: 'cancel a visit',
    say: (b) => `Cancel visit #${b.visits.cancel.number}, Tom Lee is traveling`,
    facts: (b) => ({ ticket_id: `#${b.visits.cancel.number}`, reason: 'Tom Lee is traveling', reasoning: 'Tom asked to cancel.' }),
    check: (read, b) =>
      expectRow(read(`select 1 from tickets where id = $1 and status = 'cancelled'`, [b.visits.cancel.id]), 'the visit is not cancelled'),
  },
  {
    name: 'record a no-show',
    say: (b) => `Nobody was home for visit #${b.visits.missed.number} yesterday`,
    facts: (b) => ({ ticket_id: `#${b.visits.missed.number}`, note: 'Nobody was home' }),
    check: (read, b) =>
      expectRow(read(`select 1 from tickets where id = $1 and status = 'no_show'`, [b.visits.missed.id]), 'the visit is not a no-show'),
  },
  {
    name: 'assign a technician',
    say: (b) => `Put Dave Nguyen on visit #${b.visits.assign.number} instead of Sam`,
    facts: (b) => ({ ticket_id: `#${b.visits.assign.number}`, technician_ids: ['Dave Nguyen'] }),
    check: (read, b) =>
      expectRow(
        read(`select 1 from ticket_technicians where ticket_id = $1 and user_id = $2`, [b.visits.assign.id, b.technicians.dave]),
        'Dave is not on the visit',
      ),
  },
  {
    name: 'note on a customer',
    say: () => 'Write a note on Hannah Brooks: the dog bites, keep the back gate shut',
    facts: () => ({ contact_id: 'Hannah Brooks', content: 'The dog bites; keep the back gate shut.' }),
    check: (read, b) =>
      expectRow(
        read(`select 1 from notes where contact_id = $1 and content like '%dog bites%'`, [b.customers.hannah]),
        'no note on Hannah',
      ),
  },
  {
    name: 'log a call',
    say: () => 'I called Maria Garcia and left a voicemail about her invoice',
    facts: () => ({
      contact_id: 'Maria Garcia',
      kind: 'call',
      direction: 'outbound',
      summary: 'Left a voicemail about her overdue invoice',
      outcome: 'voicemail',
    }),
    check: (read, b) =>
      expectRow(
        read(`select 1 from interactions where contact_id = $1 and kind = 'call'`, [b.customers.garcia]),
        'no call logged with Maria',
      ),
  },
  {
    name: 'move a visit',
    say: (b) => `Move visit #${b.visits.move.number} to ${b.nextThursday} at 14:00`,
    facts: (b) => ({
      ticket_id: `#${b.visits.move.number}`,
      scheduled_start: at(b, b.nextThursday, '14:00'),
      new_date: b.nextThursday,
      new_time: '14:00',
    }),
    check: (read, b) =>
      expectRow(
        read(`select 1 from tickets where id = $1 and scheduled_start = $2`, [b.visits.move.id, at(b, b.nextThursday, '14:00')]),
        'the visit is not at 14:00 next Thursday',
      ),
  },
  {
    name: 'repeat visits',
    say: (b) => `Set Maria Garcia up for exterior window cleaning every 4 weeks, starting ${b.nextMonday} at 9:00`,
    facts: (b) => ({
      contact_id: 'Maria Garcia',
      rule: 'FREQ=WEEKLY;INTERVAL=4',
      start_date: b.nextMonday,
      start_time: '09:00',
      line_items: [{ service_id: 'Exterior Window Cleaning' }],
    }),
    check: (read, b) => expectRow(read(`select 1 from series where contact_id = $1`, [b.customers.garcia]), 'no series for Maria'),
  },
  {
    name: 'make a quote',
    say: () => 'Make Anita Patel a quote for exterior window cleaning and 20 screens',
    facts: () => ({
      contact_id: 'Anita Patel',
      line_items: [
        { service_id: 'Exterior Window Cleaning', quantity: 1 },
        { service_id: 'Screen Cleaning', quantity: 20 },
      ],
    }),
    check: (read, b) => expectRow(read(`select 1 from quotes where contact_id = $1`, [b.customers.patel]), 'no quote for Anita'),
  },
  {
    name: 'waitlist',
    say: (b) => `Put Jane Porter on the waitlist for gutter cleaning, any day before ${addDays(b.today, 14)}`,
    facts: (b) => ({ contact_id: 'Jane Porter', latest_date: addDays(b.today, 14), service_id: 'Gutter Cleaning' }),
    check: (read, b) =>
      expectRow(read(`select 1 from waitlist_entries where contact_id = $1`, [b.customers.jane]), 'Jane is not on the waitlist'),
  },
  {
    name: 'convert a lead',
    say: () => "Turn Derrick Odom's website request into a customer",
    facts: () => ({ lead_id: 'Derrick Odom' }),
    check: (read, b) =>
      expectRow(read(`select 1 from leads where id = $1 and status = 'converted'`, [b.leads.derrick]), 'the lead is not converted'),
  },
  {
    name: 'stop the reminders',
    say: (b) => `Stop the payment reminders on invoice ${b.invoices.hannahOpen.number}, she is paying Friday`,
    facts: (b) => ({ invoice_id: b.invoices.hannahOpen.number, reasoning: 'She pays on Friday.' }),
    check: (read, b) =>
      expectRow(
        read(`select 1 from invoices where id = $1 and follow_ups_stopped_at is not null`, [b.invoices.hannahOpen.id]),
        'the reminders still run',
      ),
  },
  {
    name: 'tax rate',
    say: () => 'Change our sales tax rate to 9%',
    facts: () => ({ default_tax_rate_bp: 900 }),
    check: (read) => expectRow(read(`select 1 from tenants where default_tax_rate_bp = 900`, []), 'the tax rate is not 9%'),
  },
  {
    name: 'lead status',
    say: () => 'Mark the lead Gail Simmons as contacted',
    facts: () => ({ lead_id: 'Gail Simmons', status: 'contacted' }),
    check: (read, b) =>
      expectRow(read(`select 1 from leads where id = $1 and status = 'contacted'`, [b.leads.gail]), 'the lead is not contacted'),
  },
  {
    name: 'tag a customer',
    say: () => 'Tag Hannah Brooks as vip',
    facts: () => ({ contact_ids: ['Hannah Brooks'], contact_id: 'Hannah Brooks', tags_add: ['vip'] }),
    check: (read, b) =>
      expectRow(read(`select 1 from contacts where id = $1 and 'vip' = any(tags)`, [b.customers.hannah]), 'Hannah is not tagged vip'),
  },
  {
    name: 'new phone number',
    say: () => "Tom Lee's new phone number is 256-555-0142",
    facts: () => ({ contact_id: 'Tom Lee', phone: '(256) 555-0142' }),
    check: (read, b) =>
      expectRow(read(`select 1 from contacts where id = $1 and phone like '%555%0142%'`, [b.customers.lee]), "Tom's phone is unchanged"),
  },
  {
    name: 'a fact about a customer',
    say: () => 'Note that Anita Patel has screens on every window',
    facts: () => ({ contact_id: 'Anita Patel', key: 'has_screens', value: true }),
    check: (read, b) =>
      expectRow(read(`select 1 from attributes where contact_id = $1 and key = 'has_screens'`, [b.customers.patel]), 'no has_screens fact'),
  },
  {
    name: 'close a visit',
    say: (b) => `Visit #${b.visits.done.number} is done: 90 minutes, windows as booked, all clean, reach out in 6 months`,
    facts: (b) => ({
      ticket_id: `#${b.visits.done.number}`,
      duration_minutes: 90,
      line_items: [{ service_id: 'Exterior Window Cleaning', quantity: 1 }],
      notes: 'All clean.',
      next_service: { kind: 'reach_out', months: 6 },
      reasoning: 'The technician finished the job.',
    }),
    check: (read, b) =>
      expectRow(read(`select 1 from tickets where id = $1 and status = 'completed'`, [b.visits.done.id]), 'the visit is not closed'),
  },
  {
    name: 'send an invoice',
    say: (b) => `Send Hannah Brooks the invoice for visit #${b.visits.invoiceMe.number}`,
    facts: (b) => ({ ticket_id: `#${b.visits.invoiceMe.number}`, reasoning: 'The visit is done; Hannah gets her bill.' }),
    check: (read, b) =>
      expectRow(
        read(`select 1 from invoices where ticket_id = $1 and status in ('sent', 'paid', 'partially_paid')`, [b.visits.invoiceMe.id]),
        'no invoice sent for the visit',
      ),
  },
  {
    name: 'chase an overdue invoice',
    say: (b) => `Remind Maria Garcia that invoice ${b.invoices.garciaOverdue.number} is overdue`,
    facts: (b) => ({ invoice_id: b.invoices.garciaOverdue.number, reasoning: 'The invoice is two weeks overdue.' }),
    check: (read, b) =>
      expectRow(
        read(`select 1 from scheduled_messages where invoice_id = $1 and kind = 'invoice_reminder'`, [b.invoices.garciaOverdue.id]),
        'no reminder for the overdue invoice',
      ),
  },
  {
    name: 'plan a route',
    say: (b) => `Plan Dave Nguyen's route for ${b.tomorrow}`,
    facts: (b) => ({ technician_id: 'Dave Nguyen', date: b.tomorrow }),
    check: async (read, b, answer) => {
      const changed = await read(`select count(*)::int from audit_log where entity_id = any($1::uuid[]) and action = 'route_plan'`, [
        [b.visits.samOne.id, b.visits.samTwo.id],
      ])
      if (changed) return 'a preview changed a visit'
      if (!Array.isArray(answer?.stops) || answer.stops.length !== 2) return `the plan has ${answer?.stops?.length} stops, not 2`
      return expectAnswer(answer.distances !== 'road', 'distances said road without a road router')
    },
  },
  {
    name: 'fill an opening',
    say: () => 'Who on the waitlist could take the time the cancelled visit left free?',
    facts: () => ({ kind: 'left' }),
    check: (_read, b, answer) =>
      expectAnswer(
        (answer?.items ?? []).some(
          (g: any) => g.ticket_id === b.visits.cancel.id && g.candidates.some((c: any) => c.contact_id === b.customers.jane),
        ),
        `the cancelled visit's opening with Jane as a candidate is not in ${JSON.stringify(answer).slice(0, 300)}`,
      ),
  },
  {
    name: 'rain on a day',
    say: (b) => `Will rain get in the way of the visits on ${b.tomorrow}?`,
    facts: (b) => ({ date: b.tomorrow, from: b.tomorrow, to: b.tomorrow }),
    check: (_read, _b, answer) => {
      const status = answer?.forecast_status ?? answer?.items?.[0]?.forecast_status
      const rain = answer?.rain_likely ?? answer?.items?.[0]?.rain_likely
      if (!status) return expectAnswer(false, `no forecast_status in ${JSON.stringify(answer).slice(0, 200)}`)
      return expectAnswer(status === 'known' || rain === null, `rain_likely ${rain} while the forecast is ${status}`)
    },
  },
  {
    name: 'offer a plan',
    say: (b) => `Offer Tom Lee the Quarterly Windows plan, starting ${b.nextMonday}`,
    facts: (b) => ({
      contact_id: 'Tom Lee',
      plan_id: 'Quarterly Windows',
      starts_on: b.nextMonday,
      reasoning: 'Tom asked for regular visits.',
    }),
    check: (read, b) => expectRow(read(`select 1 from customer_plans where contact_id = $1`, [b.customers.lee]), 'no plan proposed to Tom'),
  },
  {
    name: 'refund a payment',
    say: (b) => `Refund Hannah Brooks's payment on invoice ${b.invoices.hannahOpen.number}`,
    facts: (b) => ({ invoice_id: b.invoices.hannahOpen.number }),
    ownerOnly: true,
    check: async (read, b, answer) => {
      const refunded = await read(`select count(*)::int from audit_log where entity_id = $1 and action like '%refund%'`, [
        b.invoices.hannahOpen.id,
      ])
      if (refunded) return 'an agent refunded a payment'
      return expectAnswer(/\/|page|console/i.test(String(answer?.owner_only ?? '')), 'the agent was not told where the owner refunds')
    },
  },
  {
    name: 'what waits for approval',
    say: () => 'What is waiting for my approval?',
    facts: () => ({ status: 'pending' }),
    check: async (read, _b, answer) => {
      const pending = await read(`select count(*)::int from authorization_requests where status = 'pending'`, [])
      return expectAnswer(answer?.items?.length === pending, `${answer?.items?.length} listed, ${pending} pending`)
    },
  },
]
