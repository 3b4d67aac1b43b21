import { randomUUID } from 'node:crypto'
import { setLocal, withTenant } from '../core/db/tenant.js'
import { planForCurrentSizes } from '../core/domains/imports/write-customers.js'
import type { Database, Queryable } from '../core/db/types.js'

/** How much to generate; everything but `contacts` has a realistic default. */
export interface SearchDataOptions {
  contacts: number
  /** Average notes per contact (0 to twice this many each); 500k notes for 100k contacts by default. */
  notesPerContact?: number
  /** Average attributes per contact. */
  attributesPerContact?: number
  /** Completed tickets per contact, each with a line item; half of them invoiced. */
  ticketsPerContact?: number
  /** Leads, apart from the contacts. */
  leads?: number
  /** Same seed, same names, notes and numbers (ids are random). */
  seed?: number
  /** Contacts per transaction. */
  batchSize?: number
  /** Called after each batch with the contacts written so far. */
  onProgress?: (done: number) => void
  /** VACUUM ANALYZE the tables afterwards (default true), as autovacuum would before anyone measured. */
  vacuum?: boolean
}

/** What was written, with real values from it to search for. */
export interface GeneratedSearchData {
  contacts: number
  addresses: number
  notes: number
  attributes: number
  tickets: number
  invoices: number
  leads: number
  samples: {
    /** Display names of generated contacts. */
    names: string[]
    /** Last four digits of generated phone numbers. */
    phoneDigits: string[]
    emails: string[]
    invoiceNumbers: string[]
    ticketNumbers: number[]
    serviceIds: string[]
    cities: string[]
    /** Words that occur in notes (stemmed search finds their other forms). */
    noteWords: string[]
  }
  /** Records with their ids, so a search for each can be checked for finding the right one. */
  known: KnownRecords
}

/** Generated records with their ids: what a search for them must find. */
export interface KnownRecords {
  /** Sampled contacts (about one in twenty, at most 200): name, primary phone as written, email and first street line. */
  people: Array<{ id: string; name: string; phone: string; email: string; street: string }>
  /** Each outlying town with a few customers, and one of them. */
  towns: Array<{ town: string; id: string }>
  /** Each rare attribute (as words, e.g. "koi pond") held by a few customers, and one of them. */
  traits: Array<{ words: string; id: string }>
  tickets: Array<{ number: number; id: string }>
  invoices: Array<{ number: string; id: string }>
  /** Leads (people who are not customers), at most 100. */
  leads: Array<{ name: string; id: string }>
}

const FIRST = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Charles',
  'Karen',
  'Christopher',
  'Lisa',
  'Daniel',
  'Nancy',
  'Matthew',
  'Betty',
  'Anthony',
  'Margaret',
  'Mark',
  'Sandra',
  'Donald',
  'Ashley',
  'Steven',
  'Kimberly',
  'Paul',
  'Emily',
  'Andrew',
  'Donna',
  'Joshua',
  'Michelle',
  'Kenneth',
  'Carol',
  'Kevin',
  'Amanda',
  'Brian',
  'Dorothy',
  'George',
  'Melissa',
  'Timothy',
  'Deborah',
  'Ronald',
  'Stephanie',
  'Edward',
  'Rebecca',
  'Jason',
  'Sharon',
  'Jeffrey',
  'Laura',
  'Ryan',
  'Cynthia',
  'Jacob',
  'Kathleen',
  'Gary',
  'Amy',
  'Nicholas',
  'Angela',
  'Eric',
  'Shirley',
  'Jonathan',
  'Anna',
  'Stephen',
  'Brenda',
  'Larry',
  'Pamela',
  'Justin',
  'Emma',
  'Scott',
  'Nicole',
  'Brandon',
  'Helen',
  'Benjamin',
  'Samantha',
  'Samuel',
  'Katherine',
  'Gregory',
  'Christine',
  'Alexander',
  'Debra',
  'Frank',
  'Rachel',
  'Patrick',
  'Carolyn',
  'Raymond',
  'Janet',
  'Jack',
  'Catherine',
  'Dennis',
  'Maria',
  'Jerry',
  'Heather',
  'Tyler',
  'Diane',
  'Aaron',
  'Ruth',
  'Jose',
  'Julie',
  'Adam',
  'Olivia',
  'Nathan',
  'Joyce',
  'Henry',
  'Virginia',
  'Douglas',
  'Victoria',
  'Zachary',
  'Kelly',
  'Peter',
  'Lauren',
  'Kyle',
]
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Hall',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Carter',
  'Roberts',
  'Gomez',
  'Phillips',
  'Evans',
  'Turner',
  'Diaz',
  'Parker',
  'Cruz',
  'Edwards',
  'Collins',
  'Reyes',
  'Stewart',
  'Morris',
  'Morales',
  'Murphy',
  'Cook',
  'Rogers',
  'Gutierrez',
  'Ortiz',
  'Morgan',
  'Cooper',
  'Peterson',
  'Bailey',
  'Reed',
  'Kelly',
  'Howard',
  'Ramos',
  'Kim',
  'Cox',
  'Ward',
  'Richardson',
  'Watson',
  'Brooks',
  'Chavez',
  'Wood',
  'James',
  'Bennett',
  'Gray',
  'Mendoza',
  'Ruiz',
  'Hughes',
  'Price',
  'Alvarez',
  'Castillo',
  'Sanders',
  'Patel',
  'Myers',
  'Long',
  'Ross',
  'Foster',
  'Jimenez',
  'Powell',
  'Jenkins',
  'Perry',
  'Russell',
  'Sullivan',
  'Bell',
  'Coleman',
  'Butler',
  'Henderson',
  'Barnes',
  'Fisher',
  'Vasquez',
  'Simmons',
  'Romero',
  'Jordan',
  'Patterson',
  'Alexander',
  'Hamilton',
  'Graham',
  'Reynolds',
  'Griffin',
  'Wallace',
  'Moreno',
  'West',
  'Cole',
  'Hayes',
  'Bryant',
  'Herrera',
  'Gibson',
  'Ellis',
  'Tran',
  'Medina',
  'Aguilar',
  'Stevens',
  'Murray',
  'Ford',
  'Castro',
  'Marshall',
  'Owens',
  'Harrison',
  'Fernandez',
  'McDonald',
  'Woods',
  'Washington',
  'Kennedy',
  'Wells',
  'Vargas',
  'Henry',
  'Chen',
  'Freeman',
  'Webb',
  'Tucker',
  'Guzman',
  'Burns',
  'Crawford',
  'Olson',
  'Simpson',
  'Porter',
  'Hunter',
  'Gordon',
  'Mendez',
  'Silva',
  'Shaw',
  'Snyder',
  'Mason',
  'Dixon',
  'Munoz',
  'Hunt',
  'Hicks',
  'Holmes',
  'Palmer',
  'Wagner',
  'Black',
  'Robertson',
  'Boyd',
  'Rose',
  'Stone',
  'Salazar',
  'Fox',
  'Warren',
  'Mills',
  'Meyer',
  'Rice',
  'Schmidt',
  'Garza',
  'Daniels',
  'Ferguson',
  'Nichols',
  'Stephens',
  'Soto',
  'Weaver',
  'Ryan',
  'Gardner',
  'Payne',
  'Grant',
  'Dunn',
  'Thornton',
]
const PLACES: Array<[string, string[]]> = [
  ['Huntsville', ['35801', '35802', '35803', '35805', '35806', '35810', '35811', '35816']],
  ['Madison', ['35756', '35757', '35758']],
  ['Owens Cross Roads', ['35763']],
  ['Athens', ['35611', '35613']],
  ['Decatur', ['35601', '35603']],
  ['Meridianville', ['35759']],
  ['Harvest', ['35749']],
  ['Hazel Green', ['35750']],
  ['Brownsboro', ['35741']],
  ['Gurley', ['35748']],
]
const STREETS = [
  'Oak',
  'Maple',
  'Cedar',
  'Pine',
  'Elm',
  'Magnolia',
  'Dogwood',
  'Willow',
  'Hickory',
  'Chestnut',
  'Walnut',
  'Sycamore',
  'Holly',
  'Laurel',
  'Poplar',
  'Cypress',
  'Birch',
  'Aspen',
  'Redbud',
  'Mockingbird',
  'Cardinal',
  'Bluebird',
  'Whitesburg',
  'Governors',
  'Bailey Cove',
  'Hughes',
  'Wall Triana',
  'Balch',
  'Slaughter',
  'Old Madison Pike',
  'Jeff',
  'Hobbs',
  'Sutton',
  'Cecil Ashburn',
  'Big Cove',
  'Taylor',
  'Winchester',
  'Pulaski Pike',
  'Mastin Lake',
  'Monte Sano',
  'Drake',
  'Airport',
  'Carl T Jones',
  'Four Mile Post',
  'Green Cove',
  'Weatherly',
  'Haysland',
  'Hampton Cove',
  'Providence Main',
]
/** Outlying towns: about four customers each, whatever the size of the business, so searching one has a known answer. */
const RARE_TOWNS: Array<[string, string]> = [
  ['Toney', '35773'],
  ['New Hope', '35760'],
  ['New Market', '35761'],
  ['Ardmore', '35739'],
  ['Elkmont', '35620'],
  ['Hartselle', '35640'],
  ['Falkville', '35622'],
  ['Tanner', '35671'],
  ['Union Grove', '35175'],
  ['Paint Rock', '35764'],
  ['Woodville', '35776'],
  ['Priceville', '35603'],
  ['Laceys Spring', '35754'],
  ['Scottsboro', '35768'],
  ['Guntersville', '35976'],
  ['Arab', '35016'],
]
/** Rare features of a house (true attributes): about four customers each, like the outlying towns. */
const RARE_TRAITS = [
  'koi_pond',
  'greenhouse',
  'stained_glass',
  'wheelchair_ramp',
  'pool_enclosure',
  'transom_windows',
  'cupola',
  'atrium',
  'solarium',
  'conservatory',
  'clerestory',
  'gazebo',
  'lanai',
]
/** Customers per outlying town and per rare feature. */
const RARE_EACH = 4
const STREET_TYPES = ['St', 'Dr', 'Rd', 'Ln', 'Way', 'Ct', 'Blvd', 'Cir', 'Pl', 'Trl']
const MAIL = ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'comcast.net', 'att.net', 'hotmail.com']
const NOTE_PHRASES = [
  'Customer has {n} screens, two of them torn.',
  'Dog in the backyard, keep the gate closed.',
  'Prefers morning appointments.',
  'Hard water stains on the south-facing windows.',
  'Gate code is on file with the office.',
  'Called to reschedule because of rain.',
  'Asked about gutter cleaning next spring.',
  'Quoted skylight cleaning at {price}.',
  'Second story windows need the tall ladder.',
  'Elderly customer, please knock loudly and wait.',
  'Screens are stored in the garage.',
  'Paint overspray on the french doors.',
  'Very happy with the last visit, referred a neighbor.',
  'Cat may slip out the front door.',
  'Park on the street, driveway is steep.',
  'Windows were streaky after the storm, redo at no charge.',
  'Wants the sunroom glass done every visit.',
  'Pressure washing the porch was declined.',
  'Solar panels on the roof need a gentle rinse.',
  'Storm windows on the back porch.',
  'Pays by check at the door.',
  'Prefers text messages over phone calls.',
  'Large bay window in the living room.',
  'Water spigot is behind the shrubs on the left side.',
  'Bees nest near the upstairs window, be careful.',
  'Interior cleaning requires shoe covers.',
  'Lives in a two story colonial with a basement.',
  'Mirrors and glass shower door included.',
  'Construction cleanup after the remodel.',
  'Chandelier cleaning was requested.',
  'Security alarm, call before arrival.',
]
const NOTE_WORDS = [
  'screens',
  'gate',
  'gutter',
  'skylight',
  'ladder',
  'elderly',
  'garage',
  'storm',
  'sunroom',
  'solar',
  'check',
  'chandelier',
  'remodel',
  'alarm',
  'bees',
  'mirrors',
  'spigot',
  'porch',
]
const LEAD_NOTES = [
  'Found us on Google, wants a quote for {n} windows and screens.',
  'Neighbor referral, two story home, asked about gutters.',
  'Called about a move-out cleaning next week.',
  'Facebook message: needs storefront glass cleaned monthly.',
  'Wants a quote for solar panel cleaning.',
  'Realtor listing prep, {n} windows, inside and out.',
]

/** A small deterministic random generator (mulberry32), so a seed reproduces the same data. */
function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    /** 0 to 2 * mean, mean on average. */
    around: (mean: number) => Math.floor(next() * (2 * mean + 1)),
  }
}

/**
 * Fills a tenant with contacts (names, emails, phones), their service addresses, attributes and notes, and optionally
 * completed tickets with invoices and leads, through multi-row INSERTs (json_to_recordset) in one transaction per batch
 * inside withTenant, so row security, triggers and the search index see exactly what the app would write.
 */
export async function generateSearchData(db: Database, tenantId: string, opts: SearchDataOptions): Promise<GeneratedSearchData> {
  const rnd = random(opts.seed ?? 1)
  const batchSize = opts.batchSize ?? 2000
  const notesMean = opts.notesPerContact ?? 5
  const attributesMean = opts.attributesPerContact ?? 2
  const ticketsEach = opts.ticketsPerContact ?? 0
  const out: GeneratedSearchData = {
    contacts: 0,
    addresses: 0,
    notes: 0,
    attributes: 0,
    tickets: 0,
    invoices: 0,
    leads: 0,
    samples: {
      names: [],
      phoneDigits: [],
      emails: [],
      invoiceNumbers: [],
      ticketNumbers: [],
      serviceIds: [],
      cities: PLACES.map((p) => p[0]),
      noteWords: NOTE_WORDS,
    },
    known: { people: [], towns: [], traits: [], tickets: [], invoices: [], leads: [] },
  }
  // Every townEvery-th contact lives in an outlying town and every traitEvery-th has a rare feature, taken in turn.
  const townEvery = Math.max(1, Math.floor(opts.contacts / (RARE_TOWNS.length * RARE_EACH)))
  const traitEvery = Math.max(1, Math.floor(opts.contacts / (RARE_TRAITS.length * RARE_EACH)))
  const scope = { tenantId, actorType: 'system' as const, requestId: 'generate-search-data' }
  const now = Date.now()
  const services = ticketsEach > 0 ? await withTenant(db, scope, (tx) => insertServices(tx, tenantId)) : []
  out.samples.serviceIds = services
  // Ticket numbers follow the ones the business already has.
  let ticketNumber = await withTenant(
    db,
    scope,
    async (tx) => (await tx.query<{ value: number }>(`select value from tenant_counters where name = 'ticket'`)).rows[0]?.value ?? 0,
  )
  for (let start = 0; start < opts.contacts; start += batchSize) {
    const count = Math.min(batchSize, opts.contacts - start)
    const contacts: object[] = []
    const addresses: object[] = []
    const attributes: object[] = []
    const notes: object[] = []
    const tickets: object[] = []
    const lineItems: object[] = []
    const invoices: object[] = []
    for (let i = 0; i < count; i++) {
      const id = randomUUID()
      const first = rnd.pick(FIRST)
      const last = rnd.pick(LAST)
      const n = start + i
      const created = new Date(now - rnd.int(1, 5 * 365) * 86_400_000 - rnd.int(0, 86_399) * 1000)
      const phone = `(256) ${rnd.int(200, 989)}-${String(rnd.int(0, 9999)).padStart(4, '0')}`
      const email = `${first}.${last}${n}@${rnd.pick(MAIL)}`.toLowerCase()
      const phones = [{ value: phone, label: 'mobile', primary: true }]
      if (rnd.next() < 0.2)
        phones.push({ value: `(256) ${rnd.int(200, 989)}-${String(rnd.int(0, 9999)).padStart(4, '0')}`, label: 'home', primary: false })
      contacts.push({
        id,
        display_name: `${first} ${last}`,
        first_name: first,
        last_name: last,
        emails: [{ value: email, label: 'home', primary: true }],
        phones,
        created_at: created.toISOString(),
      })
      const sampled = out.samples.names.length < 200 && rnd.next() < 0.05
      if (sampled) {
        out.samples.names.push(`${first} ${last}`)
        out.samples.phoneDigits.push(phone.slice(-4))
        out.samples.emails.push(email)
      }
      const addressCount = rnd.next() < 0.15 ? 2 : 1
      const rareTown = n % townEvery === 0 ? RARE_TOWNS[(n / townEvery) % RARE_TOWNS.length] : null
      let firstAddress = ''
      let firstLine = ''
      for (let a = 0; a < addressCount; a++) {
        const [city, zips] = a === 0 && rareTown ? [rareTown[0], [rareTown[1]]] : rnd.pick(PLACES)
        const zip = rnd.pick(zips)
        const addressId = randomUUID()
        const line1 = `${rnd.int(100, 9999)} ${rnd.pick(STREETS)} ${rnd.pick(STREET_TYPES)}`
        firstAddress ||= addressId
        firstLine ||= line1
        addresses.push({ id: addressId, contact_id: id, label: a === 0 ? 'home' : 'rental', line1, city, state: 'AL', postal_code: zip })
      }
      if (sampled) out.known.people.push({ id, name: `${first} ${last}`, phone, email, street: firstLine })
      if (rareTown && !out.known.towns.some((t) => t.town === rareTown[0])) out.known.towns.push({ town: rareTown[0], id })
      const keys = new Set<string>()
      if (n % traitEvery === Math.floor(traitEvery / 2)) {
        const trait = RARE_TRAITS[Math.floor(n / traitEvery) % RARE_TRAITS.length]
        keys.add(trait)
        attributes.push({ contact_id: id, key: trait, value: true, source: 'manual', confidence: 1 })
        if (!out.known.traits.some((t) => t.words === trait.replace(/_/g, ' ')))
          out.known.traits.push({ words: trait.replace(/_/g, ' '), id })
      }
      for (let a = rnd.around(attributesMean); a > 0; a--) {
        const [key, value] = attributeOf(rnd)
        if (keys.has(key)) continue
        keys.add(key)
        attributes.push({ contact_id: id, key, value, source: rnd.pick(['note', 'manual', 'ticket_closeout']), confidence: 0.9 })
      }
      for (let k = rnd.around(notesMean); k > 0; k--) {
        const phrases = [rnd.pick(NOTE_PHRASES), rnd.pick(NOTE_PHRASES)].map((p) =>
          p.replace('{n}', String(rnd.int(4, 40))).replace('{price}', `$${rnd.int(60, 200)}`),
        )
        notes.push({
          contact_id: id,
          content: phrases.join(' '),
          author_type: rnd.pick(['user', 'agent']),
          created_at: new Date(
            created.getTime() + rnd.int(0, Math.max(1, Math.floor((now - created.getTime()) / 1000))) * 1000,
          ).toISOString(),
        })
      }
      for (let k = 0; k < ticketsEach; k++) {
        const ticketId = randomUUID()
        const startAt = new Date(created.getTime() + rnd.int(1, 300) * 86_400_000)
        startAt.setUTCHours(14 + rnd.int(0, 6), 0, 0, 0)
        ticketNumber += 1
        tickets.push({
          id: ticketId,
          number: ticketNumber,
          contact_id: id,
          address_id: firstAddress,
          scheduled_start: startAt.toISOString(),
          scheduled_end: new Date(startAt.getTime() + 2 * 3_600_000).toISOString(),
        })
        const price = rnd.int(80, 450) * 100
        lineItems.push({
          ticket_id: ticketId,
          service_id: rnd.pick(services),
          description: 'Window cleaning',
          quantity: 1,
          unit_price_cents: price,
        })
        if (out.samples.ticketNumbers.length < 100 && rnd.next() < 0.05) {
          out.samples.ticketNumbers.push(ticketNumber)
          out.known.tickets.push({ number: ticketNumber, id: ticketId })
        }
        if (rnd.next() < 0.5) {
          const year = startAt.getUTCFullYear()
          invoices.push({ ticket_id: ticketId, contact_id: id, year, issued_on: startAt.toISOString().slice(0, 10), total_cents: price })
        }
      }
    }
    await withTenant(db, scope, async (tx) => {
      // As an import writes (writeCustomersInBulk): each statement planned for the tables as they are now, and the
      // contacts' search entries made once after their addresses, attributes and notes instead of after each table's rows.
      await planForCurrentSizes({ db: tx })
      await setLocal(tx, { 'app.defer_contact_search': 'on' })
      await insertRows(
        tx,
        tenantId,
        'contacts',
        contacts,
        'id uuid, display_name text, first_name text, last_name text, emails jsonb, phones jsonb, created_at timestamptz',
      )
      await insertRows(
        tx,
        tenantId,
        'addresses',
        addresses,
        'id uuid, contact_id uuid, label text, line1 text, city text, state text, postal_code text',
      )
      await insertRows(tx, tenantId, 'attributes', attributes, 'contact_id uuid, key text, value jsonb, source text, confidence real')
      await insertRows(tx, tenantId, 'notes', notes, 'contact_id uuid, content text, author_type text, created_at timestamptz')
      await setLocal(tx, { 'app.defer_contact_search': 'off' })
      await tx.query('select search_refresh_own_contacts($1::uuid[])', [contacts.map((c) => (c as { id: string }).id)])
      if (tickets.length) {
        await insertRows(
          tx,
          tenantId,
          'tickets',
          tickets,
          'id uuid, number int, contact_id uuid, address_id uuid, scheduled_start timestamptz, scheduled_end timestamptz',
        )
        await insertRows(
          tx,
          tenantId,
          'ticket_line_items',
          lineItems,
          'ticket_id uuid, service_id uuid, description text, quantity int, unit_price_cents int',
        )
        // Completing after the line items are in: a closed ticket refuses new ones.
        await tx.query(
          `update tickets set status = 'completed', closed_at = scheduled_end
          where tenant_id = $1 and id = any($2::uuid[])`,
          [tenantId, tickets.map((t) => (t as { id: string }).id)],
        )
        out.invoices += await insertInvoices(tx, tenantId, invoices as InvoiceSeed[], out.samples.invoiceNumbers, out.known.invoices)
      }
    })
    // Statistics after each batch: without them the search triggers' statements read every note of the business to find
    // the batch's (20,000 customers: 56 s without, 40 s with, and the gap grows with size).
    await db.query('analyze contacts, addresses, attributes, notes, search_entries')
    out.contacts += count
    out.addresses += addresses.length
    out.attributes += attributes.length
    out.notes += notes.length
    out.tickets += tickets.length
    opts.onProgress?.(out.contacts)
  }
  if (out.tickets) {
    await withTenant(db, scope, (tx) =>
      tx.query(
        `insert into tenant_counters (tenant_id, name, value) values ($1, 'ticket', $2)
      on conflict (tenant_id, name) do update set value = greatest(tenant_counters.value, excluded.value)`,
        [tenantId, ticketNumber],
      ),
    )
  }
  if (opts.leads) out.leads = await insertLeads(db, scope, tenantId, opts.leads, rnd, out.known.leads)
  // Without statistics the planner guesses, and without a vacuum the indexes still point at the versions the batches
  // replaced.
  if (opts.vacuum ?? true) {
    await db.query('vacuum analyze contacts, addresses, attributes, notes, tickets, ticket_line_items, invoices, leads, search_entries')
  }
  return out
}

type Random = ReturnType<typeof random>

function attributeOf(rnd: Random): [string, unknown] {
  switch (rnd.int(0, 9)) {
    case 0:
      return ['has_screens', rnd.next() < 0.7]
    case 1:
      return ['screen_count', rnd.int(2, 40)]
    case 2:
      return ['elderly', true]
    case 3:
      return ['pets', rnd.pick(['dog', 'cat', ['dog', 'cat'], 'none'])]
    case 4:
      return ['stories', rnd.int(1, 3)]
    case 5:
      return ['preferred_time', rnd.pick(['morning', 'afternoon'])]
    case 6:
      return ['water_type', rnd.pick(['hard water', 'well water', 'city water'])]
    case 7:
      return ['skylights', rnd.int(1, 6)]
    case 8:
      return ['access', rnd.pick(['side gate', 'back gate', 'front door', 'garage code on file'])]
    default:
      return ['hoa', rnd.pick(['Village of Providence', 'Hampton Cove', 'Clift Farm', 'Town Madison'])]
  }
}

/** One INSERT for many rows: the rows travel as one JSON parameter and json_to_recordset turns them into a table. */
async function insertRows(tx: Queryable, tenantId: string, table: string, rows: object[], columns: string): Promise<void> {
  if (!rows.length) return
  const names = columns.split(',').map((c) => c.trim().split(/\s+/)[0])
  await tx.query(
    `insert into ${table} (tenant_id, ${names.join(', ')})
    select $1, ${names.map((n) => `r.${n}`).join(', ')} from json_to_recordset($2::json) as r(${columns})`,
    [tenantId, JSON.stringify(rows)],
  )
}

async function insertServices(tx: Queryable, tenantId: string): Promise<string[]> {
  const r = await tx.query<{ id: string }>(
    `insert into services (tenant_id, name, pricing, price_cents, unit_name)
    values ($1, 'Exterior Window Cleaning (generated)', 'flexible', null, null), ($1, 'Interior Window Cleaning (generated)', 'flexible', null, null),
           ($1, 'Screen Cleaning (generated)', 'per_unit', 500, 'screen'), ($1, 'Gutter Cleaning (generated)', 'fixed', 15000, null)
    returning id`,
    [tenantId],
  )
  return r.rows.map((row) => row.id)
}

interface InvoiceSeed {
  ticket_id: string
  contact_id: string
  year: number
  issued_on: string
  total_cents: number
}

/** Invoices numbered PREFIX-YYYY-NNNN from the tenant's per-year counters, so numbers the app gives later follow on. */
async function insertInvoices(
  tx: Queryable,
  tenantId: string,
  seeds: InvoiceSeed[],
  samples: string[],
  known: KnownRecords['invoices'],
): Promise<number> {
  if (!seeds.length) return 0
  const prefix = (await tx.query<{ p: string }>('select invoice_prefix as p from tenants where id = $1', [tenantId])).rows[0].p
  const byYear = new Map<number, InvoiceSeed[]>()
  for (const s of seeds) byYear.set(s.year, [...(byYear.get(s.year) ?? []), s])
  const rows: object[] = []
  for (const [year, list] of byYear) {
    const r = await tx.query<{ value: number }>(
      `insert into tenant_counters (tenant_id, name, value) values ($1, $2, $3)
      on conflict (tenant_id, name) do update set value = tenant_counters.value + $3 returning value`,
      [tenantId, `invoice:${year}`, list.length],
    )
    let next = r.rows[0].value - list.length
    for (const s of list) {
      next += 1
      const number = `${prefix}-${year}-${String(next).padStart(4, '0')}`
      const id = randomUUID()
      if (samples.length < 100 && (samples.length === 0 || next % 37 === 0)) {
        samples.push(number)
        known.push({ number, id })
      }
      const due = new Date(`${s.issued_on}T12:00:00Z`)
      due.setUTCDate(due.getUTCDate() + 15)
      rows.push({
        id,
        number,
        ticket_id: s.ticket_id,
        contact_id: s.contact_id,
        currency: 'USD',
        issued_on: s.issued_on,
        due_on: due.toISOString().slice(0, 10),
        status: 'paid',
        subtotal_cents: s.total_cents,
        total_cents: s.total_cents,
        amount_paid_cents: s.total_cents,
      })
    }
  }
  await insertRows(
    tx,
    tenantId,
    'invoices',
    rows,
    'id uuid, number text, ticket_id uuid, contact_id uuid, currency text, issued_on date, due_on date, status text, subtotal_cents int, total_cents int, amount_paid_cents int',
  )
  return rows.length
}

async function insertLeads(
  db: Database,
  scope: { tenantId: string; actorType: 'system'; requestId: string },
  tenantId: string,
  count: number,
  rnd: Random,
  known: KnownRecords['leads'],
): Promise<number> {
  const rows: object[] = []
  for (let i = 0; i < count; i++) {
    const first = rnd.pick(FIRST)
    const last = rnd.pick(LAST)
    const id = randomUUID()
    if (known.length < 100) known.push({ name: `${first} ${last}`, id })
    rows.push({
      id,
      raw_notes: rnd.pick(LEAD_NOTES).replace('{n}', String(rnd.int(8, 40))),
      name: `${first} ${last}`,
      phone: `256-${rnd.int(200, 989)}-${String(rnd.int(0, 9999)).padStart(4, '0')}`,
      email: `${first}${i}@example.com`.toLowerCase(),
      status: rnd.pick(['new', 'contacted', 'qualified']),
      source: rnd.pick(['google', 'referral', 'facebook', 'phone']),
    })
  }
  for (let i = 0; i < rows.length; i += 2000) {
    await withTenant(db, scope, (tx) =>
      insertRows(
        tx,
        tenantId,
        'leads',
        rows.slice(i, i + 2000),
        'id uuid, raw_notes text, name text, phone text, email text, status text, source text',
      ),
    )
  }
  return rows.length
}
