import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from '../../api/app.js'
import { createServices } from '../../api/product.js'
import { createSession } from '../../core/auth/sessions.js'
import { loadConfig } from '../../core/kernel/config.js'
import type { Services } from '../../core/kernel/context.js'
import { issuePayLink } from '../../core/domains/invoices/pay-links.js'
import { issueResponseLinks } from '../../core/domains/messages/response-links.js'
import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import { withTenant } from '../../core/db/tenant.js'
import type { Database } from '../../core/db/types.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { performAction, performQuery } from '../../core/kernel/operations.js'
import type { GeneratedSearchData } from '../generate-search-data.js'
import { pageReader, sitePaths, type FetchedPage } from '../page-fetch.js'
import type { BenchRow, BenchSettings, Scenario } from '../scenario.js'
import { businessRows, pgliteBusinesses, postgresBusinesses, type BusinessCopy } from '../shared-businesses.js'

/** Each search is sent this many times after one warm-up. */
const ROUNDS = 5
/** One round trip on a slow connection: the size every page should stay under, compressed. */
const SIZE_TARGET = 14 * 1024
/** Pages measured at most per person, so a long "More" page cannot make the run long. */
const MAX_PAGES = 40

/** The search box's answer time and every page's size, on PostgreSQL with the run's 100k-customer business. */
export const ownerPagesPostgres: Scenario = {
  name: 'owner pages (PostgreSQL)',
  needs: 'postgres',
  async run(settings: BenchSettings) {
    const copy = await postgresBusinesses(settings)
    try {
      const db = openPostgres(copy.url, 8)
      try {
        return await measure(db, copy, { sizes: true })
      } finally {
        await db.close()
      }
    } finally {
      await copy.drop()
    }
  },
}

/** The search box's answer time on the embedded engine (sizes are the same pages, measured once on PostgreSQL). */
export const ownerPagesPglite: Scenario = {
  name: 'owner pages (PGlite)',
  needs: 'nothing',
  async run() {
    const copy = await pgliteBusinesses()
    try {
      const db = await openPglite(copy.dataDir)
      try {
        return await measure(db, copy, { sizes: false })
      } finally {
        await db.close()
      }
    } finally {
      await copy.drop()
    }
  },
}

/** A business of generated customers served over HTTP: search timings as its owner, then (optionally) each page's size. */
async function measure(db: Database, copy: BusinessCopy, opts: { sizes: boolean }): Promise<BenchRow[]> {
  setLogLevel('silent')
  const config = { ...loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }), logLevel: 'silent' as const }
  const services = createServices(config, db, { llm: null, integrations: { stripe: null } })
  const { large } = copy.made
  const data = large.data
  const extra = await seedToday(services, large.tenantId)
  const server = await new Promise<Server>((resolve) => {
    const s = createApp(services).listen(0, '127.0.0.1', () => resolve(s))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  services.config.publicBaseUrl = url
  const reader = pageReader(url)
  try {
    const owner = await createSession(db, large.tenantId, large.ownerUserId)
    const rows = await searchTimes(reader, owner, withSeeded(data, extra))
    rows.unshift(...businessRows(copy), {
      measure: 'data: seeded',
      value: 'a visit today',
      note: "a technician's visit today with its invoice, searched and paged as the owner's and the technician's",
    })
    if (opts.sizes) {
      const technician = await createSession(db, large.tenantId, extra.technicianId)
      const links = await customerLinks(services, large.tenantId, extra)
      rows.push(...(await pageSizes(reader, { owner, technician }, withSeeded(data, extra), links)))
    }
    return rows
  } finally {
    reader.close()
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  }
}

/** A technician with a visit today (so Today and the visit page have something), and that visit's invoice. */
async function seedToday(services: Services, tenantId: string) {
  const agent = { tenantId, actor: { type: 'agent' as const, id: tenantId } }
  const act = async (domain: string, action: string, input: unknown) =>
    (await performAction(services, agent, { domain, action, data: input }, { requestId: 'bench-seed' })).result as Record<string, any>
  const user = await services.db.query<{ id: string }>(
    `insert into users (tenant_id, email, name, role) values ($1, 'tech@bench.example', 'Tess Bench', 'technician') returning id`,
    [tenantId],
  )
  const service = await act('service', 'create', {
    name: 'Bench window cleaning',
    pricing: 'fixed',
    price_cents: 15000,
    default_duration_minutes: 60,
  })
  const contact = await act('contact', 'create', { display_name: 'Jane Bench', phone: '(256) 555-0142', email: 'jane@bench.example' })
  const ticket = await act('ticket', 'create', {
    contact_id: contact.id,
    scheduled_start: new Date(services.now().getTime() + 3_600_000).toISOString(),
    duration_minutes: 60,
    technician_ids: [user.rows[0].id],
    line_items: [{ service_id: service.id }],
  })
  const invoice = await act('invoice', 'create_from_ticket', { ticket_id: ticket.id })
  return {
    technicianId: user.rows[0].id,
    ticketId: ticket.id as string,
    invoiceId: invoice.id as string,
    ticketNumber: ticket.number as number,
    invoiceNumber: invoice.number as string,
  }
}

/** The generated samples plus the seeded visit's and invoice's numbers. */
function withSeeded(data: GeneratedSearchData, extra: { ticketNumber: number; invoiceNumber: string }): GeneratedSearchData {
  return {
    ...data,
    samples: {
      ...data.samples,
      ticketNumbers: [...data.samples.ticketNumbers, extra.ticketNumber],
      invoiceNumbers: [...data.samples.invoiceNumbers, extra.invoiceNumber],
    },
  }
}

/** The customer's pages: the answer link of the visit's confirmation email and the invoice's pay link. */
async function customerLinks(services: Services, tenantId: string, extra: { ticketId: string; invoiceId: string }): Promise<string[]> {
  const agent = { tenantId, actor: { type: 'agent' as const, id: tenantId } }
  const messages = (await performQuery(
    services,
    agent,
    { type: 'scheduled_messages', filters: { ticket_id: extra.ticketId } },
    { requestId: 'bench' },
  )) as { items: Array<{ id: string; kind: string; ticket_id: string }> }
  return withTenant(services.db, { tenantId, actorType: 'system' }, async (tx) => {
    const links: string[] = []
    const message = messages.items.find((m) => m.kind === 'confirmation' || m.kind === 'reminder')
    if (message) {
      const answers = await issueResponseLinks(tx, services, tenantId, { id: message.id, kind: message.kind, ticket_id: message.ticket_id })
      if (answers.confirm_link) links.push(String(answers.confirm_link))
    }
    links.push(await issuePayLink(tx, services, tenantId, extra.invoiceId))
    return links.map((link) => new URL(link).pathname)
  })
}

/** Streets of the generated addresses, as someone types them. */
const STREETS = ['Magnolia', 'Willow Ln', 'Hickory Dr']
/** What an owner types to do something rather than find someone. */
const ACTION_WORDS = ['void invoice', 'add technician', 'send reminder', 'refund', 'new customer']

/** GET /search?q= as the signed-in owner, sequentially: p50, p95 and max over names, typos, phone digits, streets, numbers and action words. */
async function searchTimes(reader: ReturnType<typeof pageReader>, owner: string, data: GeneratedSearchData): Promise<BenchRow[]> {
  const s = data.samples
  const typo = (name: string) => (name.length > 5 ? name.slice(0, 3) + name.slice(4) : name)
  const queries = [
    ...s.names.slice(0, 5),
    ...s.names.slice(5, 9).map(typo),
    ...s.phoneDigits.slice(0, 3),
    ...STREETS,
    ...s.cities.slice(0, 1),
    ...s.invoiceNumbers.slice(0, 2),
    ...s.ticketNumbers.slice(0, 1).map((n) => `#${n}`),
    ...s.noteWords.slice(0, 2),
    ...ACTION_WORDS,
  ].filter(Boolean)
  const samples: number[] = []
  let found = 0
  for (const q of queries) {
    const path = `/search?q=${encodeURIComponent(q)}`
    const warm = await reader.get(path, owner)
    if (warm.status !== 200) throw new Error(`GET ${path} answered ${warm.status}`)
    if (warm.html.includes('<ol class="hits"><li>')) found++
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = process.hrtime.bigint()
      await reader.get(path, owner)
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6)
    }
  }
  // A page that searches nothing, timed the same way: what every page costs (session, HTTP, compression) on this machine.
  const baseline: number[] = []
  await reader.get('/review', owner)
  for (let i = 0; i < 4 * ROUNDS; i++) {
    const t0 = process.hrtime.bigint()
    await reader.get('/review', owner)
    baseline.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  samples.sort((a, b) => a - b)
  baseline.sort((a, b) => a - b)
  const pct = (p: number, of = samples) => of[Math.min(of.length - 1, Math.ceil((p / 100) * of.length) - 1)]
  return [
    {
      measure: 'search box: queries x rounds',
      value: `${queries.length} x ${ROUNDS}`,
      note: `${found} of ${queries.length} found something; names, typos, phone digits, streets, a city, invoice and visit numbers, note words, action words`,
    },
    {
      measure: 'search box p50 ms',
      value: pct(50).toFixed(1),
      note: 'GET /search over HTTP as the signed-in owner, page built and brotli-compressed',
    },
    { measure: 'search box p95 ms', value: pct(95).toFixed(1) },
    { measure: 'search box max ms', value: samples[samples.length - 1].toFixed(1) },
    { measure: 'owner /review p50 ms', value: pct(50, baseline).toFixed(1), note: 'a page that searches nothing, for comparison' },
  ]
}

/**
 * Every page's size as sent with Accept-Encoding: br. The owner's pages are found from the nav, the "More" page and the
 * first record of each kind the search links to; a technician's from their nav and Today; a customer's from their links.
 */
async function pageSizes(
  reader: ReturnType<typeof pageReader>,
  who: { owner: string; technician: string },
  data: GeneratedSearchData,
  customerPaths: string[],
): Promise<BenchRow[]> {
  const ownerPaths = new Set<string>(['/search'])
  const start = await reader.get('/search', who.owner)
  const nav = /<nav aria-label="Main">([\s\S]*?)<\/nav>/.exec(start.html)?.[1] ?? ''
  for (const path of sitePaths(nav)) ownerPaths.add(path)
  const more = await reader.get('/settings', who.owner)
  if (more.status === 200) for (const path of sitePaths(more.html)) ownerPaths.add(path)
  for (const q of [data.samples.names[0], data.samples.invoiceNumbers[0], `#${data.samples.ticketNumbers[0]}`, 'quote']) {
    const found = sitePaths((await reader.get(`/search?q=${encodeURIComponent(q ?? '')}`, who.owner)).html)
    for (const base of ['/customers/', '/tickets/', '/invoices/', '/leads/']) {
      const record = found.find((p) => p.startsWith(base) && /^[/a-z]+\/[0-9a-f-]{36}$/.test(p))
      if (record) ownerPaths.add(record)
    }
  }
  const technicianPaths = new Set<string>(['/today'])
  const today = await reader.get('/today', who.technician)
  for (const path of sitePaths(today.html)) technicianPaths.add(path)
  const rows: BenchRow[] = []
  const measureAll = async (role: string, paths: Iterable<string>, cookie?: string) => {
    const seen = new Set<string>()
    for (const path of [...paths].filter(measurable).slice(0, MAX_PAGES)) {
      const shown = path
        .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id')
        .replace(/\d{4}-\d{2}-\d{2}/g, ':date')
        .replace(/\/(pay|respond)\/[^/?]+/, '/$1/:secret')
      if (seen.has(shown)) continue
      seen.add(shown)
      rows.push(sizeRow(role, shown, await reader.get(path, cookie)))
    }
  }
  await measureAll('owner', ownerPaths, who.owner)
  await measureAll('technician', technicianPaths, who.technician)
  await measureAll('customer', customerPaths)
  return rows
}

/** A page, not a download, a sign-out or an API address. */
function measurable(path: string): boolean {
  return !/^\/(api|mcp|oauth|auth|\.well-known)\b/.test(path) && !/\.(csv|ics)\b|export|logout|sign-out/.test(path)
}

function sizeRow(role: string, path: string, page: FetchedPage): BenchRow {
  const measure = `${role} ${path}, brotli bytes`
  if (page.status !== 200)
    return { measure, value: 'not measured', note: `answered ${page.status}${page.location ? ` -> ${page.location}` : ''}` }
  return {
    measure,
    value: String(page.wireBytes),
    target: `<= ${SIZE_TARGET}`,
    met: page.wireBytes <= SIZE_TARGET,
    note: page.encoding === 'br' ? `${page.html.length} bytes of markup` : `sent as ${page.encoding}`,
  }
}
