import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSearchData, type GeneratedSearchData } from '../../../bench/generate-search-data.js'
import type { Database, Queryable } from '../../../core/db/types.js'
import { wordPatterns } from '../../../core/kernel/sql.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { bothEngines } from '../../helpers/databases.js'

// Both engines: the database layer itself, on each engine.

// Every list filter that takes words must find its rows through an index: under forced row level security a plain ILIKE
// reads the whole business. With sequential scans turned off in every request, a filter that lost its index still
// scans (the planner has no other way) or reads its table through a whole index; both show in the transaction's table
// statistics, which this database wrapper reads before each commit.
const WATCHED = ['contacts', 'leads', 'invoices', 'services', 'users', 'notes', 'search_entries']
const CONTACTS = 600
const LEADS = 300
/** The second, small business: its rows per table. */
const SMALL = { contacts: 50, leads: 20, invoices: 50, search_entries: 50 * 4 + 20 }

interface TableReads {
  seqScans: number
  rowsRead: number
}

/** A database whose transactions run without sequential scans and add up, per watched table, what they read. */
function readWatching(db: Database) {
  let reads = new Map<string, TableReads>()
  let statements: Array<{ text: string; params?: unknown[] }> = []
  const watched: Database = {
    engine: db.engine,
    query: (text, params) => db.query(text, params),
    exec: (text) => db.exec(text),
    close: () => db.close(),
    transaction: (fn, setup) =>
      db.transaction(async (tx) => {
        await tx.query('set local enable_seqscan = off')
        // The counts may hold earlier transactions not yet flushed, but nothing is flushed inside a transaction.
        const before = await tableReads(tx)
        const recording: Queryable = {
          query: (text, params) => {
            statements.push({ text, params })
            return tx.query(text, params)
          },
          exec: (text) => tx.exec(text),
        }
        const out = await fn(recording)
        for (const [table, after] of await tableReads(tx)) {
          const start = before.get(table) ?? { seqScans: 0, rowsRead: 0 }
          const sum = reads.get(table) ?? { seqScans: 0, rowsRead: 0 }
          reads.set(table, {
            seqScans: sum.seqScans + after.seqScans - start.seqScans,
            rowsRead: sum.rowsRead + after.rowsRead - start.rowsRead,
          })
        }
        return out
      }, setup),
  }
  return {
    db: watched,
    /** What the calls made inside fn read, per watched table that they touched. */
    async during(fn: () => Promise<unknown>): Promise<Map<string, TableReads>> {
      reads = new Map()
      await fn()
      return reads
    },
    /** The statements the calls made inside fn sent. */
    async sent(fn: () => Promise<unknown>): Promise<Array<{ text: string; params?: unknown[] }>> {
      statements = []
      await fn()
      return statements
    },
  }
}

/** The transaction's counts of sequential scans and rows read, per watched table. */
async function tableReads(tx: Queryable): Promise<Map<string, TableReads>> {
  const r = await tx.query<{ relname: string; seq_scan: number; rows_read: number }>(
    `select relname, seq_scan::int, (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::int as rows_read
     from pg_stat_xact_user_tables where relname = any($1::text[])`,
    [WATCHED],
  )
  return new Map(r.rows.map((row) => [row.relname, { seqScans: row.seq_scan, rowsRead: row.rows_read }]))
}

describe.each(bothEngines)('word filters through indexes (%s)', (engine) => {
  let app: TestApp
  let watch: ReturnType<typeof readWatching>
  let data: GeneratedSearchData
  let lead: { name: string; phone: string }
  let small: string

  beforeAll(async () => {
    app = await startTestApp(engine, {}, (db) => (watch = readWatching(db)).db)
    // A second business in the same tables, so every filter has rows of another business to keep out.
    small = (await app.createTenant('Other Windows')).tenant_id
    await generateSearchData(app.t.db, small, {
      contacts: SMALL.contacts,
      notesPerContact: 1,
      attributesPerContact: 1,
      ticketsPerContact: 1,
      leads: SMALL.leads,
      seed: 2,
    })
    data = await generateSearchData(app.t.db, app.tenant.tenant_id, {
      contacts: CONTACTS,
      notesPerContact: 1,
      attributesPerContact: 1,
      ticketsPerContact: 1,
      leads: LEADS,
    })
    await app.t.db.query('analyze services, users')
    lead = (
      await app.t.admin.query<{ name: string; phone: string }>(
        'select name, phone from leads where tenant_id = $1 order by created_at, id limit 1',
        [app.tenant.tenant_id],
      )
    ).rows[0]
  }, 300_000)
  afterAll(() => app?.close())

  /** Reads a list over HTTP and what it read of the watched tables. */
  async function listed(params: Record<string, string>) {
    let items: any[] = []
    const reads = await watch.during(async () => {
      const r = await app.query({ ...params, limit: 100 })
      expect(r.status, JSON.stringify(r.body.error)).toBe(200)
      items = r.body.data.items ?? r.body.data.results ?? []
    })
    return { items, reads }
  }

  /** No sequential scan of any watched table: each filter has an index to go through. */
  function expectIndexed(reads: Map<string, TableReads>) {
    for (const [table, r] of reads) expect(r.seqScans, `sequential scans of ${table}`).toBe(0)
  }

  /**
   * Runs a filter's lookup as a business's request would (the app's role, its business set) and expects it to go
   * through one of the word indexes named, if any (they all lead with the business), and to read no more rows of the table
   * than `ownRows`, the rows that business has times the lookups the function makes: the big business's rows with the
   * same words are never fetched for the small one. (Reading a small business's few rows by the business key of a word
   * index and testing them may rightly be the plan: nothing here forbids it.)
   */
  async function expectLookup(tenantId: string, table: string, indexes: string[], ownRows: number, text: string, params: unknown[]) {
    const scans = `select coalesce(sum(pg_stat_get_xact_numscans(to_regclass(i))), 0)::int as n from unnest($1::text[]) i`
    const { reads, indexScans } = await app.t.db.transaction(async (tx) => {
      await tx.query(`select set_config('role', 'crm_app', true), set_config('app.tenant_id', $1, true)`, [tenantId])
      const before = await tableReads(tx)
      const scansBefore = (await tx.query<{ n: number }>(scans, [indexes])).rows[0].n
      await tx.query(text, params)
      const after = await tableReads(tx)
      return {
        reads: (after.get(table)?.rowsRead ?? 0) - (before.get(table)?.rowsRead ?? 0),
        indexScans: (await tx.query<{ n: number }>(scans, [indexes])).rows[0].n - scansBefore,
      }
    })
    if (indexes.length) expect(indexScans, `scans of ${indexes.join(' or ')} by ${text}`).toBeGreaterThan(0)
    expect(reads, `rows of ${table} read by ${text}`).toBeLessThanOrEqual(ownRows)
  }

  /** Runs SQL as the migrations' owner with the business set, as the filters' functions see it. */
  async function asOwner<T>(text: string, params: unknown[]): Promise<T[]> {
    return app.t.db.transaction(async (tx) => {
      await tx.query(`select set_config('app.tenant_id', $1, true)`, [app.tenant.tenant_id])
      return (await tx.query<T>(text, params)).rows
    })
  }
  const sorted = (ids: Array<{ id: string }>) => ids.map((r) => r.id).sort()

  it('contacts?q= with a name found as typed lists the names holding it, not every name like it', async () => {
    const name = data.samples.names[0]
    const { items } = await listed({ type: 'contacts', q: name })
    expect(items.length).toBeGreaterThan(0)
    expect(
      items.every((c) => c.display_name.toLowerCase().includes(name.toLowerCase())),
      name,
    ).toBe(true)
  })

  it('contacts?q= by name, by a typo, by phone digits', async () => {
    const name = data.samples.names[0]
    for (const q of [name, name.replace(/[aeiou]/, ''), data.samples.phoneDigits[0]]) {
      const { items, reads } = await listed({ type: 'contacts', q })
      expect(items.length, q).toBeGreaterThan(0)
      expectIndexed(reads)
    }
  })

  it('contacts?q= with a common word lists the same first page and the same pages after it as every match read by id and sorted', async () => {
    const [common] = await asOwner<{ word: string }>(
      `select last_name as word from contacts where tenant_id = app_tenant() group by last_name order by count(*) desc, last_name limit 1`,
      [],
    )
    const limit = 4
    for (const q of [common.word, 'son']) {
      // The list as it was read before migration 0111: every match fetched by its id, all sorted, then the page.
      const before = await asOwner<{ id: string }>(
        `select c.id from contacts c where c.tenant_id = app_tenant() and c.merged_into is null and c.archived_at is null
         and c.id in (select contact_ids_matching($1)) order by c.created_at, c.id`,
        [q],
      )
      expect(before.length, q).toBeGreaterThan(2 * limit)
      const first = await app.query({ type: 'contacts', q, limit })
      expect(
        first.body.data.items.map((c: any) => c.id),
        q,
      ).toEqual(before.slice(0, limit).map((r) => r.id))
      const paged: string[] = []
      let cursor: string | null = null
      do {
        const page: any = await app.query({ type: 'contacts', q, limit, ...(cursor ? { cursor } : {}) })
        paged.push(...page.body.data.items.map((c: any) => c.id))
        cursor = page.body.data.next_cursor
      } while (cursor)
      expect(paged, q).toEqual(before.map((r) => r.id))
    }
  })

  it('contacts?q= with a misspelt full name lists names like it word by word, not every name sharing a word with it', async () => {
    const name = data.samples.names.find((n) => n.split(' ')[0].length >= 5) as string
    const [first, last] = name.split(' ')
    const q = `${first.slice(0, 2)}${first.slice(3)} ${last}`
    const { items, reads } = await listed({ type: 'contacts', q })
    expect(
      items.map((c) => c.display_name),
      q,
    ).toContain(name)
    // Before, every name as similar as 0.3 to q as a whole was listed: most of them only for sharing the last name.
    const alike = await asOwner<{ n: number }>(
      `select count(*)::int as n from contacts where tenant_id = app_tenant()
      and similarity(display_name, $1) >= 0.3`,
      [q],
    )
    expect(items.length, q).toBeLessThan(alike[0].n)
    expectIndexed(reads)
  })

  it('invoices and scheduled messages by customer: every word, any case, in the name or email, as before', async () => {
    const billed = (
      await app.t.admin.query<{ display_name: string; email: string }>(
        `select c.display_name, c.email from invoices i
      join contacts c on c.tenant_id = i.tenant_id and c.id = i.contact_id where i.tenant_id = $1 order by i.number limit 1`,
        [app.tenant.tenant_id],
      )
    ).rows[0]
    const [first, last] = billed.display_name.split(' ')
    for (const words of [`${first.toUpperCase()} ${last.toLowerCase()}`, billed.email.split('@')[0], `${last} zz-nobody`]) {
      const before = await asOwner<{ id: string }>(
        `select c.id from contacts c where c.tenant_id = app_tenant()
        and (select bool_and(concat_ws(' ', c.display_name, c.email) ilike w) from unnest($1::text[]) w)`,
        [wordPatterns(words)],
      )
      const now = await asOwner<{ id: string }>('select contact_ids_with_words($1) as id', [wordPatterns(words)])
      expect(sorted(now), words).toEqual(sorted(before))
      const invoices = await listed({ type: 'invoices', customer: words })
      expect(
        invoices.items.every((i) => before.some((c) => c.id === i.contact_id)),
        words,
      ).toBe(true)
      if (!words.includes('nobody')) expect(invoices.items.length, words).toBeGreaterThan(0)
      else expect(invoices.items).toEqual([])
      expectIndexed(invoices.reads)
      expectIndexed((await listed({ type: 'scheduled_messages', customer: words })).reads)
    }
  })

  it('invoices by part of the number: its end, its start in any case, or a part in the middle', async () => {
    const number = data.samples.invoiceNumbers[0]
    for (const part of [number.slice(-7), number.slice(0, 8).toLowerCase(), number.slice(4, -2)]) {
      const { items, reads } = await listed({ type: 'invoices', number: part })
      expect(
        items.map((i) => i.number),
        part,
      ).toContain(number)
      expect(
        items.every((i) => i.number.toLowerCase().includes(part.toLowerCase())),
        part,
      ).toBe(true)
      expectIndexed(reads)
    }
  })

  it('each filter a caller gives reaches the planner as a condition of its own, and newest first is read off an index', async () => {
    // Written as "($n is null or x in (select ...))", a word filter could not be joined: the planner tested it row by row
    // as a "hashed SubPlan" over every invoice of the business (50k: 25 ms whatever matched).
    const billed = (
      await app.t.admin.query<{ display_name: string }>(
        `select c.display_name from invoices i
      join contacts c on c.tenant_id = i.tenant_id and c.id = i.contact_id where i.tenant_id = $1 order by i.number limit 1`,
        [app.tenant.tenant_id],
      )
    ).rows[0]
    const reads: Array<[string, Record<string, string>]> = [
      ['from invoices i', { type: 'invoices', customer: billed.display_name }],
      ['from invoices i', { type: 'invoices', number: data.samples.invoiceNumbers[0].slice(-7) }],
      ['from leads l', { type: 'leads', q: lead.name }],
      ['from scheduled_messages', { type: 'scheduled_messages', customer: billed.display_name }],
      ['from services', { type: 'services', q: 'gutter' }],
      ['from users', { type: 'users', q: 'owner' }],
    ]
    for (const [from, params] of reads) {
      const sent = await watch.sent(() => app.query({ ...params, limit: 25 }))
      const list = sent.find((st) => st.text.includes(from))
      expect(list, `${from} among the statements of ${JSON.stringify(params)}`).toBeDefined()
      const plan = await explained(list!.text, list!.params ?? [])
      // No filter is a subplan run row by row; a subplan only naming what the page shows (an invoice's customer, read by
      // its key for each row of the page) is not a filter.
      expect(plan, JSON.stringify(params)).not.toMatch(/(?:Filter|Cond): .*SubPlan/)
      const subplans = plan.split('\n').filter((line) => /SubPlan \d+$/.test(line.trim()))
      for (const line of subplans) expect(plan.split(line)[1], JSON.stringify(params)).toMatch(/^\s*->\s+Index Scan using contacts_pkey/)
    }
    const read = (r: Map<string, TableReads>, table: string) => r.get(table)?.rowsRead ?? 0
    expect(
      read(await watch.during(() => app.query({ type: 'invoices', limit: 10 })), 'invoices'),
      'invoices read for the first page',
    ).toBeLessThanOrEqual(20)
    expect(
      read(await watch.during(() => app.query({ type: 'leads', limit: 10 })), 'leads'),
      'leads read for the first page',
    ).toBeLessThanOrEqual(20)
  })

  /** The plan of a statement as the big business's request runs it. */
  async function explained(text: string, params: unknown[]): Promise<string> {
    return app.t.db.transaction(async (tx) => {
      await tx.query(`select set_config('role', 'crm_app', true), set_config('app.tenant_id', $1, true)`, [app.tenant.tenant_id])
      const r = await tx.query<{ 'QUERY PLAN': string }>(`explain ${text}`, params)
      return r.rows.map((row) => row['QUERY PLAN']).join('\n')
    })
  }

  it('leads?q= in any field or note, any case, or phone digits in any layout, as before', async () => {
    const digits = lead.phone.replace(/\D/g, '').slice(-4)
    for (const q of [lead.name.toUpperCase(), 'gutters', digits, 'no such words']) {
      const qDigits = q.replace(/\D/g, '').length >= 4 ? q.replace(/\D/g, '') : null
      const before = await asOwner<{ id: string }>(
        `select l.id from leads l where l.tenant_id = app_tenant()
        and (concat_ws(' ', l.name, l.email, l.phone, l.address, l.service_interest, l.raw_notes) ilike '%' || $1 || '%'
          or ($2::text is not null and regexp_replace(coalesce(l.phone, ''), '\\D', '', 'g') like '%' || $2 || '%'))`,
        [q, qDigits],
      )
      const now = await asOwner<{ id: string }>('select lead_ids_matching($1, $2) as id', [q, qDigits])
      expect(sorted(now), q).toEqual(sorted(before))
      const { reads } = await listed({ type: 'leads', q })
      expectIndexed(reads)
    }
  })

  it('services?q= by part of the name or a word with a typo, as before', async () => {
    for (const q of ['gutter', 'Guter', 'WINDOW', 'plumbing']) {
      const before = await asOwner<{ id: string }>(
        `select id from services where tenant_id = app_tenant()
        and (name ilike '%' || $1 || '%' or word_similarity($1, name) >= 0.45)`,
        [q],
      )
      const now = await asOwner<{ id: string }>('select service_ids_matching($1) as id', [q])
      expect(sorted(now), q).toEqual(sorted(before))
      if (q !== 'plumbing') expect(now.length, q).toBeGreaterThan(0)
      expectIndexed((await listed({ type: 'services', q })).reads)
    }
  })

  it('users?q= by part of the name or email', async () => {
    const { items, reads } = await listed({ type: 'users', q: 'SPARKLE.test' })
    expect(items.map((u) => u.email)).toEqual(['owner@sparkle.test'])
    expectIndexed(reads)
    expect((await listed({ type: 'users', q: 'other' })).items).toEqual([])
  })

  it('universal search by a name, a phone number and an invoice number', async () => {
    for (const q of [data.samples.names[2], data.samples.phoneDigits[1], data.samples.invoiceNumbers[1]]) {
      const { items, reads } = await listed({ type: 'search', q })
      expect(items.length, q).toBeGreaterThan(0)
      expectIndexed(reads)
    }
  })

  it('a small business beside a big one reads only its own rows, even for words that match most of both', async () => {
    // by name (ILIKE), by similarity (% and <%) and by phone: three lookups
    await expectLookup(small, 'contacts', [], SMALL.contacts * 3, 'select contact_ids_matching($1)', ['an'])
    await expectLookup(small, 'contacts', [], SMALL.contacts, 'select contact_ids_with_words($1)', [wordPatterns('a n')])
    await expectLookup(small, 'invoices', [], SMALL.invoices, 'select invoice_ids_numbered($1)', ['202'])
    await expectLookup(small, 'leads', [], SMALL.leads * 2, 'select lead_ids_matching($1, $2)', ['a', '2562'])
    for (const q of ['202', 'an', '2562']) {
      await expectLookup(
        small,
        'search_entries',
        [],
        SMALL.search_entries,
        `select * from search_hits($1, array['contact', 'ticket', 'invoice', 'lead'], 20)`,
        [q],
      )
    }
  })

  it('lookups of the big business go through the word indexes too', async () => {
    const name = data.samples.names[4]
    const all = CONTACTS * 3
    const contactIndexes = ['contacts_name_words', 'contacts_customer_words', 'contacts_phone_digits_words']
    await expectLookup(app.tenant.tenant_id, 'contacts', contactIndexes, all, 'select contact_ids_matching($1)', [name])
    await expectLookup(app.tenant.tenant_id, 'contacts', contactIndexes, all, 'select contact_ids_with_words($1)', [wordPatterns(name)])
    // A few hundred invoices are read cheapest by a business key of the btree indexes; thousands go by their number's trigrams.
    await expectLookup(app.tenant.tenant_id, 'invoices', [], all, 'select invoice_ids_numbered($1)', [data.samples.invoiceNumbers[0]])
    await expectLookup(
      app.tenant.tenant_id,
      'leads',
      ['leads_words', 'leads_phone_digits_words'],
      all,
      'select lead_ids_matching($1, $2)',
      [lead.name, null],
    )
    await expectLookup(
      app.tenant.tenant_id,
      'leads',
      ['leads_words', 'leads_phone_digits_words'],
      all,
      'select lead_ids_matching($1, $2)',
      ['zz', lead.phone.replace(/\D/g, '')],
    )
    // A catalog of four services is read cheapest by the business key of its name index.
    await expectLookup(app.tenant.tenant_id, 'services', [], all, 'select service_ids_matching($1)', ['gutter'])
    await expectLookup(app.tenant.tenant_id, 'users', ['users_name_words', 'users_email_words'], all, 'select user_ids_matching($1)', [
      'owner',
    ])
    await expectLookup(
      app.tenant.tenant_id,
      'search_entries',
      ['search_entries_contact_name', 'search_entries_contact_terms', 'search_entries_digits'],
      all * 4,
      `select * from search_hits($1, array['contact'], 20)`,
      [name],
    )
  })
})
