import { randomUUID } from 'node:crypto'
import type { Principal, Services } from '../kernel/context.js'
import { AppError } from '../kernel/errors.js'
import { performQuery } from '../kernel/operations.js'
import type { Page } from '../kernel/registry.js'
import { addDays, localDate, weekdayOf, type Weekday } from '../vocabulary/time.js'
import { closeAndBill, noClosedVisits, type ClosedCounts } from './close-visit.js'
import {
  clock,
  demoActor,
  demoRandom,
  minutesOf,
  TRAVEL_MINUTES,
  visitLines,
  type DemoBusiness,
  type DemoCustomer,
} from './demo-context.js'
import { DEMO_HOME_BASE, demoSettingsToSet } from './demo-settings.js'
import { loadHistory } from './history.js'
import { DEMO_BUSINESS, DEMO_TECHNICIANS, FIRST_NAMES, LAST_NAMES, PET_NAMES } from './names.js'
import { TOWNS, type DemoTown } from './places.js'
import { loadRepeatWork, type RepeatCounts } from './repeat-work.js'

/** How many records the demo created, by kind. */
export interface DemoCounts extends ClosedCounts, RepeatCounts {
  customers: number
  addresses: number
  services: number
  technicians: number
  tickets: number
  cancelled_tickets: number
  no_show_tickets: number
  leads: number
  waitlist_entries: number
  busiest_upcoming_day: { date: string; tickets: number }
}

const CUSTOMERS = 200

/**
 * Loads a window-cleaning business into an empty tenant through the registered operations, acting as its owner (and
 * its technicians where they close their visits): customers, a year of completed and billed visits, six weeks of schedule
 * around today, a recurring series, quotes, leads and a waitlist.
 */
export async function loadDemo(services: Services, tenantId: string, opts: { seed?: number } = {}): Promise<DemoCounts> {
  const rand = demoRandom(opts.seed ?? 35758)
  const { int, pick, chance } = rand

  const system: Principal = { tenantId, actor: { type: 'system', id: null } }
  const query = (type: string, filters: Record<string, unknown> = {}, limit = 1) =>
    performQuery(services, system, { type, filters, limit }, { requestId: randomUUID() }) as Promise<Page>
  const owners = await query('users', { role: 'owner' })
  const owner = owners.items[0]
  if (!owner) throw new AppError('NOT_FOUND', `No business with id ${tenantId} (or it has no owner)`, { tenant_id: tenantId })
  const existing = [...(await query('contacts')).items, ...(await query('contacts', { status: 'archived' })).items]
  if (existing.length) {
    throw new AppError('CONFLICT', 'This business already has contacts; demo data is loaded only into a business without any', {
      tenant_id: tenantId,
    })
  }
  const settings = (await performQuery(services, system, { type: 'settings', id: tenantId }, { requestId: randomUUID() })) as {
    timezone: string
    business_hours: Record<Weekday, Array<[string, string]>>
    reply_to_email: string | null
    phone: string
    payment_instructions: string
  }

  const act = demoActor(services, { tenantId, actor: { type: 'user', id: String(owner.id), role: 'owner' } })
  const counts: DemoCounts = {
    customers: 0,
    addresses: 0,
    services: 0,
    technicians: 0,
    tickets: 0,
    cancelled_tickets: 0,
    no_show_tickets: 0,
    ...noClosedVisits(),
    leads: 0,
    waitlist_entries: 0,
    series: 0,
    quotes: 0,
    busiest_upcoming_day: { date: '', tickets: 0 },
  }
  const note = async (data: Record<string, unknown>) => {
    await act('note', 'add', data)
    counts.notes++
  }
  const attribute = async (contactId: string, key: string, value: unknown) => {
    await act('attribute', 'set', { contact_id: contactId, key, value, source: 'note', confidence: 0.9 })
    counts.attributes++
  }
  if (!String(owner.name ?? '').trim()) await act('user', 'update', { user_id: owner.id, name: DEMO_BUSINESS.ownerName })
  // Where customers reply and how they pay, so the demo's invoices can be emailed; what the business already set stays.
  const unset = demoSettingsToSet(settings)
  if (Object.keys(unset).length) await act('settings', 'update', unset)
  // Where the vans start and end the day: routes are planned from it.
  await act('route', 'set_start', DEMO_HOME_BASE)

  // The catalog, priced the way a residential window cleaner prices.
  const service = async (data: Record<string, unknown>) => {
    counts.services++
    return String((await act('service', 'create', data)).id)
  }
  const catalog = {
    fullClean: await service({
      name: 'Interior and Exterior Window Cleaning',
      pricing: 'flexible',
      price_cents: 35000,
      default_duration_minutes: 150,
      description: 'Inside and out, sills and tracks wiped; quoted by home size',
    }),
    exterior: await service({
      name: 'Exterior Window Cleaning',
      pricing: 'flexible',
      price_cents: 20000,
      default_duration_minutes: 90,
      description: 'Outside glass and frames, water-fed pole for upper stories',
    }),
    screens: await service({
      name: 'Screen Cleaning',
      pricing: 'per_unit',
      price_cents: 500,
      unit_name: 'screen',
      default_duration_minutes: 3,
      description: 'Screens removed, washed, dried and refitted',
    }),
    gutters: await service({
      name: 'Gutter Cleaning',
      pricing: 'fixed',
      price_cents: 15000,
      default_duration_minutes: 60,
      description: 'Gutters cleared and downspouts flushed, single-family home',
    }),
  }

  const technicians: string[] = []
  for (const [name, email] of DEMO_TECHNICIANS) {
    technicians.push(
      String((await act('user', 'add', { name, email, role: 'technician' }, { reasoning: 'Technician of the demo business' })).id),
    )
    counts.technicians++
  }

  // Customers, each with a service address and, for some, what the crew needs to know.
  const customers: DemoCustomer[] = []
  const townWeights = TOWNS.flatMap((t) => Array<DemoTown>(t.weight).fill(t))
  const usedEmails = new Set<string>()
  for (let i = 0; i < CUSTOMERS; i++) {
    const first = pick(FIRST_NAMES)
    const last = pick(LAST_NAMES)
    const town = pick(townWeights)
    const phone = `(256) ${int(200, 989)}-${String(1000 + ((i * 41) % 9000)).padStart(4, '0')}`
    let mail =
      `${first}.${last}${i > 0 && chance(0.5) ? int(1, 99) : ''}@${pick(['example.com', 'example.net', 'example.org'])}`.toLowerCase()
    // Two customers never share an address: contact.create would take the second for the first.
    if (usedEmails.has(mail)) mail = mail.replace('@', `.${i}@`)
    usedEmails.add(mail)
    const elderly = chance(0.15)
    const dog = chance(0.2) ? pick(PET_NAMES) : null
    const gate = chance(0.12) ? String(int(1000, 9999)) : null
    const recurring = chance(0.25)
    const contact = await act('contact', 'create', {
      first_name: first,
      last_name: last,
      email: mail,
      phone,
      source: pick(['referral', 'google', 'facebook', 'nextdoor', 'yard sign', 'repeat']),
      tags: recurring ? ['recurring'] : [],
      preferences: chance(0.3) ? { time_of_day: pick(['morning', 'afternoon']) } : undefined,
    })
    counts.customers++
    const access = [dog && `dog ${dog}, keep gate closed`, gate && `gate code ${gate}`].filter(Boolean).join('; ')
    const address = await act('address', 'add', {
      contact_id: contact.id,
      label: 'Home',
      line1: `${int(100, 9899)} ${pick(town.streets)}`,
      city: town.city,
      state: town.state,
      postal_code: pick(town.postalCodes),
      ...(access ? { access_notes: access } : {}),
    })
    counts.addresses++
    const screenCount = chance(0.55) ? int(8, 32) : null
    const id = String(contact.id)
    if (dog) {
      await note({ contact_id: id, content: `dog ${dog}, keep gate closed` })
      await attribute(id, 'pet', `dog ${dog}`)
    }
    if (elderly) {
      await note({ contact_id: id, content: 'Elderly homeowner; call the day before and knock loudly.' })
      await attribute(id, 'customer_demographic', 'elderly')
    }
    if (gate) await attribute(id, 'gate_code', gate)
    if (screenCount) await attribute(id, 'screens', screenCount)
    if (chance(0.2)) await attribute(id, 'stories', pick([1, 2, 2, 3]))
    customers.push({ id, addressId: String(address.id), town, screens: screenCount, recurring, dog })
  }

  const today = localDate(services.now(), settings.timezone)
  const business: DemoBusiness = { tenantId, act, rand, catalog, technicians, customers, businessHours: settings.business_hours, today }
  const dates = Array.from({ length: 42 }, (_, i) => addDays(today, i - 21)).filter(
    (d) => (settings.business_hours[weekdayOf(d)] ?? []).length,
  )

  // A year of completed visits before the six weeks, each closed with its notes and facts and billed.
  await loadHistory(business, addDays(today, -22), counts)
  counts.tickets = counts.completed_tickets

  // Six weeks of appointments: three before today (done and billed, but for no-shows and cancellations) and three after,
  // on business days, one job after another per technician.
  const upcoming = dates.filter((d) => d > today)
  const busiest = upcoming[Math.min(2, upcoming.length - 1)]
  let next = 0
  const nextCustomer = () => customers[(next++ * 37) % customers.length]
  const perDay = new Map<string, number>()
  for (const date of dates) {
    const [open, close] = settings.business_hours[weekdayOf(date)][0]
    const closeMin = minutesOf(close)
    for (const tech of technicians) {
      const jobs = date === busiest ? 6 : date > addDays(today, 14) ? int(1, 3) : int(2, 4)
      let start = minutesOf(open)
      for (let j = 0; j < jobs; j++) {
        const customer = nextCustomer()
        const duration = date === busiest ? pick([60, 75]) : pick([60, 90, 120, 150])
        if (start + duration > closeMin) break
        const ticket = await act('ticket', 'create', {
          contact_id: customer.id,
          address_id: customer.addressId,
          scheduled_start: `${date}T${clock(start)}`,
          duration_minutes: duration,
          technician_ids: [tech],
          line_items: visitLines(business, customer),
          is_price_estimated: chance(0.15),
        })
        counts.tickets++
        perDay.set(date, (perDay.get(date) ?? 0) + 1)
        start += duration + TRAVEL_MINUTES
        const id = String(ticket.id)
        const roll = rand.next()
        if (date < today && roll < 0.05) {
          await act('ticket', 'no_show', { ticket_id: id, note: 'Nobody home, gate locked' })
          counts.no_show_tickets++
        } else if (roll < 0.1 && date !== busiest) {
          await act(
            'ticket',
            'cancel',
            { ticket_id: id, reason: pick(['customer asked by phone', 'rain forecast, customer will rebook']) },
            { reasoning: 'The customer asked to cancel' },
          )
          counts.cancelled_tickets++
        } else if (date < today) {
          await closeAndBill(business, { ticket, customer, technicianId: tech, date, end: new Date(ticket.scheduled_end) }, counts)
        } else if (roll < 0.5) {
          await act('ticket', 'update', { ticket_id: id, status: 'confirmed' })
        }
        if (date >= today && chance(0.08)) {
          await note({
            ticket_id: id,
            content: pick([
              'Bring the tall ladder for the back of the house.',
              'Hard water stains on the sunroom glass.',
              'Customer wants the skylights done next time.',
            ]),
          })
        }
      }
    }
  }
  counts.busiest_upcoming_day = upcoming.reduce(
    (best, d) => ((perDay.get(d) ?? 0) > best.tickets ? { date: d, tickets: perDay.get(d) ?? 0 } : best),
    { date: '', tickets: 0 },
  )

  Object.assign(counts, await loadRepeatWork(business))

  // Inquiries not yet booked.
  for (const lead of LEADS) {
    await act('lead', 'create', { ...lead, reminder_at: `${addDays(today, int(1, 5))}T15:00:00Z` })
    counts.leads++
  }

  // Customers who want an earlier appointment if a slot opens.
  for (let i = 0; i < 6; i++) {
    const customer = customers[(i * 53 + 11) % customers.length]
    await act('waitlist', 'add', {
      contact_id: customer.id,
      address_id: customer.addressId,
      service_id: pick([catalog.fullClean, catalog.exterior, catalog.gutters]),
      earliest_date: addDays(today, 1),
      latest_date: addDays(today, int(10, 21)),
      preferred_days: pick([[], ['mon', 'wed'], ['tue', 'thu'], ['fri']]),
      time_of_day: pick(['any', 'morning', 'afternoon']),
      notes: pick(['Flexible, works from home', 'Before the family visits', 'Whenever a gap opens nearby']),
    })
    counts.waitlist_entries++
  }
  return counts
}

const LEADS = [
  {
    raw_notes: 'Called about getting all windows done before Easter, two-story in Hampton Cove, about 30 windows with screens.',
    name: 'Heather Lowery',
    phone: '(256) 555-0131',
    address: '118 Hampton Cove Way, Owens Cross Roads, AL 35763',
    service_interest: 'interior and exterior windows, screens',
    source: 'phone',
    urgency: 'normal',
    property_details: 'two-story, ~30 windows, screens',
  },
  {
    raw_notes: 'Website form: new construction cleanup? Just moved in, stickers and paint on windows. Please call after 5.',
    name: 'Derrick Odom',
    email: 'derrick.odom@example.com',
    address: '2207 Kyser Blvd, Madison, AL 35758',
    service_interest: 'post-construction window cleaning',
    source: 'website',
    urgency: 'high',
  },
  {
    raw_notes: 'Referred by the Pattersons. Wants a quote for gutters and exterior windows, ranch house.',
    name: 'Gail Simmons',
    phone: '(256) 555-0178',
    service_interest: 'gutters and exterior windows',
    source: 'referral',
    urgency: 'low',
    property_details: 'single-story ranch',
  },
  {
    raw_notes: 'Facebook message: how much for a storefront on Holmes Ave, weekly?',
    name: 'Holmes Ave Coffee',
    email: 'hello@holmescoffee.example.com',
    address: 'Holmes Ave, Huntsville, AL 35801',
    service_interest: 'weekly storefront glass',
    source: 'facebook',
    urgency: 'normal',
  },
  {
    raw_notes: 'Voicemail: elderly mother in Madison needs screens cleaned and windows, daughter will pay. Call back Tuesday.',
    name: 'Karen Whitt',
    phone: '(256) 555-0112',
    service_interest: 'screens and windows',
    source: 'phone',
    urgency: 'normal',
  },
  {
    raw_notes: 'Nextdoor: anyone do skylights? three skylights and a sunroom, Monte Sano.',
    name: 'Phil Ramsey',
    email: 'phil.ramsey@example.net',
    address: 'Monte Sano Blvd, Huntsville, AL 35801',
    service_interest: 'skylights and sunroom glass',
    source: 'nextdoor',
    urgency: 'low',
    property_details: '3 skylights, sunroom',
  },
  {
    raw_notes: 'Realtor needs a listing-ready clean by Friday, vacant house on Jordan Ln, lockbox on the front door.',
    name: 'Tammy Crews',
    phone: '(256) 555-0190',
    address: '4410 Jordan Ln, Huntsville, AL 35816',
    service_interest: 'interior and exterior windows',
    source: 'referral',
    urgency: 'high',
    property_details: 'vacant, lockbox',
  },
  {
    raw_notes: 'Asked at the hardware store about gutter guards and a fall cleaning.',
    name: 'Russell Hinds',
    service_interest: 'gutter cleaning',
    source: 'walk-in',
    urgency: 'low',
  },
]
