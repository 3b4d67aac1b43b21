import type { Principal, Services } from '../../core/kernel/context.js'
import { demoActor } from '../../core/demo/demo-context.js'
import { addDays, localDate, zonedInstant } from '../../core/vocabulary/time.js'

/** What the seeded business holds that the tasks speak of: names, numbers and days as the owner would say them. */
export interface OfficeBusiness {
  tz: string
  today: string
  tomorrow: string
  /** The Monday after today, and the Thursday after that Monday. */
  nextMonday: string
  nextThursday: string
  technicians: { sam: string; dave: string }
  services: { windows: string; screens: string; gutters: string }
  customers: Record<'hannah' | 'garcia' | 'lee' | 'patel' | 'jane', string>
  /** Visits by what the tasks do with them, each with its number. */
  visits: Record<
    'addLine' | 'cancel' | 'assign' | 'move' | 'missed' | 'done' | 'samOne' | 'samTwo' | 'invoiceMe',
    { id: string; number: number }
  >
  invoices: { hannahOpen: { id: string; number: string }; garciaOverdue: { id: string; number: string } }
  leads: { derrick: string; gail: string }
}

const HOUR = 60 * 60 * 1000

/**
 * A small window-cleaning business as its owner set it up, entered through the registered actions as the owner: how
 * customers pay, two technicians, a catalog, five customers, visits past and coming, an open and an overdue invoice, a
 * service plan and two leads. Past records are entered on a clock set to their day.
 */
export async function seedOfficeBusiness(services: Services, owner: Principal, tz: string): Promise<OfficeBusiness> {
  const act = demoActor(services, owner)
  const now = services.now()
  const today = localDate(now, tz)
  const tomorrow = addDays(today, 1)
  let nextMonday = addDays(today, 1)
  while (new Date(`${nextMonday}T12:00:00Z`).getUTCDay() !== 1) nextMonday = addDays(nextMonday, 1)
  const nextThursday = addDays(nextMonday, 3)
  const at = (day: string, time: string) => zonedInstant(day, time, tz).toISOString()

  await act('settings', 'update', {
    payment_instructions: 'Checks payable to Clear View Windows, or cash to the technician',
    reply_to_email: 'office@clearview.example',
  })
  const sam = String((await act('user', 'add', { name: 'Sam Carter', email: 'sam@clearview.example', role: 'technician' })).id)
  const dave = String((await act('user', 'add', { name: 'Dave Nguyen', email: 'dave@clearview.example', role: 'technician' })).id)
  const windows = String(
    (
      await act('service', 'create', {
        name: 'Exterior Window Cleaning',
        pricing: 'fixed',
        price_cents: 15_000,
        default_duration_minutes: 90,
      })
    ).id,
  )
  const screens = String(
    (
      await act('service', 'create', {
        name: 'Screen Cleaning',
        pricing: 'per_unit',
        price_cents: 500,
        unit_name: 'screen',
        default_duration_minutes: 30,
      })
    ).id,
  )
  const gutters = String(
    (await act('service', 'create', { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 12_000, default_duration_minutes: 60 })).id,
  )
  const customer = async (first_name: string, last_name: string, email: string, phone: string, line1: string) =>
    String(
      (
        await act('contact', 'create', {
          first_name,
          last_name,
          email,
          phone,
          addresses: [{ line1, city: 'Huntsville', state: 'AL', postal_code: '35801' }],
        })
      ).id,
    )
  const customers = {
    hannah: await customer('Hannah', 'Brooks', 'hannah@example.com', '(256) 555-0101', '14 Elm St'),
    garcia: await customer('Maria', 'Garcia', 'maria.garcia@example.com', '(256) 555-0102', '220 Oak Ave'),
    lee: await customer('Tom', 'Lee', 'tom.lee@example.com', '(256) 555-0103', '9 Pine Rd'),
    patel: await customer('Anita', 'Patel', 'anita.patel@example.com', '(256) 555-0104', '31 Cedar Ln'),
    jane: await customer('Jane', 'Porter', 'jane.porter@example.com', '(256) 555-0105', '77 Birch Ct'),
  }
  const visit = async (contact: string, start: string, tech: string, opts: { at?: Date } = {}) => {
    const t = await act(
      'ticket',
      'create',
      { contact_id: contact, scheduled_start: start, technician_ids: [tech], line_items: [{ service_id: windows, quantity: 1 }] },
      opts,
    )
    return { id: String(t.id), number: Number(t.number) }
  }
  const yesterday = addDays(today, -1)
  const past = { at: new Date(zonedInstant(yesterday, '07:00', tz).getTime() - 24 * HOUR) }
  const visits = {
    addLine: await visit(customers.hannah, at(addDays(nextMonday, 2), '10:00'), dave),
    cancel: await visit(customers.lee, at(addDays(nextMonday, 1), '09:00'), dave),
    assign: await visit(customers.patel, at(addDays(nextMonday, 4), '09:00'), sam),
    move: await visit(customers.jane, at(addDays(nextMonday, 1), '13:00'), dave),
    samOne: await visit(customers.garcia, at(tomorrow, '09:00'), sam),
    samTwo: await visit(customers.patel, at(tomorrow, '13:00'), sam),
    missed: await visit(customers.lee, at(yesterday, '09:00'), dave, past),
    done: await visit(customers.jane, at(yesterday, '13:00'), sam, past),
    invoiceMe: await visit(customers.hannah, at(yesterday, '15:30'), dave, past),
  }
  const invoice = async (contact: string, issued: string, due: string, cents: number) => {
    const created = await act('invoice', 'create', {
      contact_id: contact,
      line_items: [{ service_id: windows, quantity: 1, unit_price_cents: cents }],
      issued_on: issued,
      due_on: due,
    })
    await act('invoice', 'mark_sent', { invoice_id: created.id })
    return { id: String(created.id), number: String(created.number) }
  }
  const invoices = {
    hannahOpen: await invoice(customers.hannah, addDays(today, -5), addDays(today, 25), 15_000),
    garciaOverdue: await invoice(customers.garcia, addDays(today, -45), addDays(today, -15), 15_000),
  }
  await act('plan', 'create', {
    name: 'Quarterly Windows',
    includes: [{ service_id: windows, visits: 1 }],
    price_cents: 12_000,
    cycle: 'quarterly',
    term_cycles: 4,
  })
  const derrick = await act('lead', 'create', {
    raw_notes: 'Website form: just moved in, windows need a clean. Gate code 4412. Mornings are best.',
    name: 'Derrick Odom',
    email: 'derrick.odom@example.com',
    phone: '(256) 555-0190',
    address: '2207 Kyser Blvd, Huntsville, AL 35801',
    service_interest: 'exterior windows',
    source: 'website',
  })
  const gail = await act('lead', 'create', {
    raw_notes: 'Referred by the Pattersons. Wants a price for gutters.',
    name: 'Gail Simmons',
    phone: '(256) 555-0178',
    source: 'referral',
  })
  return {
    tz,
    today,
    tomorrow,
    nextMonday,
    nextThursday,
    technicians: { sam, dave },
    services: { windows, screens, gutters },
    customers,
    visits,
    invoices,
    leads: { derrick: String(derrick.id), gail: String(gail.id) },
  }
}
