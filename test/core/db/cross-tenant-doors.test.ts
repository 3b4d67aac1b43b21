import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAgentToken } from '../../../core/auth/agent-tokens.js'
import { issueMagicLinkFor } from '../../../core/auth/magic-links.js'
import { hashSecret } from '../../../core/auth/secrets.js'
import { createSession } from '../../../core/auth/sessions.js'
import { withTenant } from '../../../core/db/tenant.js'
import { DEFAULT_ROLES } from '../../../core/db/roles.js'
import type { Queryable } from '../../../core/db/types.js'
import { createTenant, type CreatedTenant } from '../../../core/kernel/tenants.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

// Both engines: the database layer itself, on each engine.

/** What business B holds that business A's requests must never reach: its secrets' hashes and its account's email. */
interface Victim {
  tenant: CreatedTenant
  email: string
  prefix: string
  hashes: Record<
    'agent_tokens' | 'magic_links' | 'sessions' | 'response_links' | 'pay_links' | 'calendar_feeds' | 'oauth_codes' | 'oauth_tokens',
    string
  >
  messageId: string
}

/** Business B with an owner, a token, a sign-in link, a session, a due message, an overdue invoice and its links, a calendar feed and an OAuth grant. */
async function victim(t: TestDatabase): Promise<Victim> {
  const email = 'owner@victim.test'
  const tenant = await createTenant(t.db, { name: 'Victim Windows', owner_email: email })
  const token = await withTenant(t.db, { tenantId: tenant.tenant_id, actorType: 'system' }, (tx) =>
    createAgentToken(tx, tenant.tenant_id, 'spare'),
  )
  const link = await issueMagicLinkFor(t.db, tenant.tenant_id, tenant.owner_user_id)
  const session = await createSession(t.db, tenant.tenant_id, tenant.owner_user_id)
  const b = tenant.tenant_id
  const ids = await t.admin.query<{ message_id: string }>(
    `with c as (insert into contacts (tenant_id, display_name, emails) values ($1, 'Vic', '[{"value":"vic@victim.test"}]') returning id),
     tk as (insert into tickets (tenant_id, number, contact_id, scheduled_start, scheduled_end)
            select $1, 1, c.id, now() + interval '2 days', now() + interval '2 days 1 hour' from c returning id, contact_id),
     m as (insert into scheduled_messages (tenant_id, contact_id, kind, subject, body, send_at, ticket_id, provider_message_id)
           select $1, tk.contact_id, 'custom', 's', 'b', now() - interval '1 hour', tk.id, 'provider-victim' from tk returning id, ticket_id),
     i as (insert into invoices (tenant_id, number, contact_id, status, currency, issued_on, due_on, subtotal_cents, total_cents)
           select $1, 'INV-1', c.id, 'sent', 'USD', current_date - 30, current_date - 10, 5000, 5000 from c returning id),
     r as (insert into response_links (tenant_id, message_id, ticket_id, purpose, token_hash, appointment_start, expires_at)
           select $1, m.id, m.ticket_id, 'confirm', $2, now() + interval '2 days', now() + interval '2 days' from m),
     p as (insert into pay_links (tenant_id, invoice_id, token_hash) select $1, i.id, $3 from i),
     f as (insert into calendar_feeds (tenant_id, scope, token_hash) values ($1, 'business', $4)),
     oc as (insert into oauth_clients (client_id, source, client_name, redirect_uris) values ('crmc_victim', 'registered', 'Victim app', '{https://app.test/cb}')),
     od as (insert into oauth_codes (tenant_id, token_hash, client_id, agent_token_id, user_id, redirect_uri, code_challenge, resource, expires_at)
            values ($1, $5, 'crmc_victim', $7, $8, 'https://app.test/cb', 'c', 'http://x/mcp', now() + interval '1 minute')),
     ot as (insert into oauth_tokens (tenant_id, agent_token_id, client_id, kind, token_hash, resource, expires_at)
            values ($1, $7, 'crmc_victim', 'access', $6, 'http://x/mcp', now() + interval '1 hour'))
     select m.id as message_id from m`,
    [
      b,
      hashSecret('response-secret'),
      hashSecret('pay-secret'),
      hashSecret('calendar-secret'),
      hashSecret('oauth-code'),
      hashSecret('oauth-access'),
      token.id,
      tenant.owner_user_id,
    ],
  )
  return {
    tenant,
    email,
    prefix: token.prefix,
    messageId: ids.rows[0].message_id,
    hashes: {
      agent_tokens: hashSecret(token.token),
      magic_links: hashSecret(link.token),
      sessions: hashSecret(session),
      response_links: hashSecret('response-secret'),
      pay_links: hashSecret('pay-secret'),
      calendar_feeds: hashSecret('calendar-secret'),
      oauth_codes: hashSecret('oauth-code'),
      oauth_tokens: hashSecret('oauth-access'),
    },
  }
}

describe.each(bothEngines)('no door from a request to another business (%s)', (engine) => {
  let t: TestDatabase
  let own: CreatedTenant
  let v: Victim
  beforeAll(async () => {
    t = await freshDatabase(engine)
    own = await createTenant(t.db, { name: 'Attacker Windows', owner_email: 'owner@attacker.test' })
    v = await victim(t)
  })
  afterAll(() => t.dispose())

  /** Raw SQL as the app role inside a request transaction of the attacking business. */
  const asAttacker = <T>(fn: (tx: Queryable) => Promise<T>) => withTenant(t.db, { tenantId: own.tenant_id, actorType: 'agent' }, fn)
  const setLookup = (tx: Queryable, name: string, value: string) =>
    tx.query(`select set_config($1, $2, true)`, [`app.lookup_${name}`, value])

  it("setting the sign-in email itself shows and changes none of the other business's users", async () => {
    const seen = await asAttacker(async (tx) => {
      await setLookup(tx, 'email', v.email)
      const read = await tx.query('select id from users where lower(email) = $1', [v.email])
      const changed = await tx.query(`update users set name = 'taken' where lower(email) = $1`, [v.email])
      return [read.rows.length, changed.rowCount]
    })
    expect(seen).toEqual([0, 0])
    const after = await t.admin.query('select name from users where tenant_id = $1', [v.tenant.tenant_id])
    expect(after.rows).toEqual([{ name: '' }])
  })

  it('setting a token prefix or a secret hash itself shows and changes nothing of the other business', async () => {
    const seen = await asAttacker(async (tx) => {
      await setLookup(tx, 'token_prefix', v.prefix)
      const out: Record<string, [number, number]> = {}
      for (const [table, hash] of Object.entries(v.hashes)) {
        await setLookup(tx, 'token_hash', hash)
        const read = await tx.query(`select * from ${table} where token_hash = $1`, [hash])
        const changed =
          table === 'agent_tokens'
            ? await tx.query('update agent_tokens set revoked_at = now() where token_hash = $1 or prefix = $2', [hash, v.prefix])
            : await tx.query(`update ${table} set created_at = created_at where token_hash = $1`, [hash])
        out[table] = [read.rows.length, changed.rowCount]
      }
      return out
    })
    expect(seen).toEqual({
      agent_tokens: [0, 0],
      magic_links: [0, 0],
      sessions: [0, 0],
      response_links: [0, 0],
      pay_links: [0, 0],
      calendar_feeds: [0, 0],
      oauth_codes: [0, 0],
      oauth_tokens: [0, 0],
    })
    const token = await t.admin.query('select revoked_at from agent_tokens where prefix = $1', [v.prefix])
    expect(token.rows).toEqual([{ revoked_at: null }])
  })

  it("cannot call the worker's or the webhooks' cross-business functions", async () => {
    const calls = [
      'select * from claim_due_messages(100, 600, now())',
      `select * from tenants_with_overdue_invoices(now() + interval '1 year')`,
      `select * from tenants_with_quotes_to_chase(now() + interval '1 year')`,
      `select * from message_by_provider_id('provider-victim')`,
      `select * from authenticate_agent_token('${v.hashes.agent_tokens}')`,
      `select * from authenticate_oauth_access_token('${v.hashes.oauth_tokens}')`,
      'select * from oauth_clients',
      `select search_refresh_contacts('${v.tenant.tenant_id}', array[]::uuid[])`,
      'select * from tenants_with_rule_segments()',
    ]
    for (const call of calls) {
      await expect(
        asAttacker((tx) => tx.query(call)),
        call,
      ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    }
    const message = await t.admin.query('select lease_token from scheduled_messages where id = $1', [v.messageId])
    expect(message.rows).toEqual([{ lease_token: null }])
  })

  it("rebuilding search entries with the other business's contact ids leaves its entries alone", async () => {
    const before = await t.admin.query('select kind, id, terms from search_entries where tenant_id = $1 order by kind, id', [
      v.tenant.tenant_id,
    ])
    const ids = await t.admin.query<{ id: string }>('select id from contacts where tenant_id = $1', [v.tenant.tenant_id])
    await t.admin.query(`update search_entries set terms = 'untouched' where tenant_id = $1 and kind = 'contact'`, [v.tenant.tenant_id])
    await asAttacker((tx) => tx.query('select search_refresh_own_contacts($1::uuid[])', [ids.rows.map((r) => r.id)]))
    const after = await t.admin.query<{ terms: string }>(`select terms from search_entries where tenant_id = $1 and kind = 'contact'`, [
      v.tenant.tenant_id,
    ])
    expect(ids.rows.length).toBeGreaterThan(0)
    expect(after.rows.map((r) => r.terms)).toEqual(before.rows.filter((r: any) => r.kind === 'contact').map(() => 'untouched'))
    // Its own request rebuilds them, for the tests after this one.
    await withTenant(t.db, { tenantId: v.tenant.tenant_id, actorType: 'agent' }, (tx) =>
      tx.query('select search_refresh_own_contacts($1::uuid[])', [ids.rows.map((r) => r.id)]),
    )
  })

  it('reading a question finds nothing of the other business: its names, words and places stay out of reach', async () => {
    const asVictim = <T>(fn: (tx: Queryable) => Promise<T>) => withTenant(t.db, { tenantId: v.tenant.tenant_id, actorType: 'agent' }, fn)
    const ask = (tx: Queryable) => tx.query<{ ids: string[] | null }>(`select ids from search_question('[{"name": "vic"}]'::jsonb, 10)`)
    const vocabulary = (tx: Queryable) => tx.query(`select * from search_question_vocabulary(array['vic'], array['zip:35999'])`)
    // The same calls from the victim's own requests find its contact: what the attacker gets is not an empty database.
    expect((await asVictim(ask)).rows[0].ids).toHaveLength(1)
    expect((await asAttacker(ask)).rows.flatMap((r) => r.ids ?? [])).toEqual([])
    expect((await asAttacker(vocabulary)).rows).toEqual([])
  })

  it("the contacts' word filter finds nothing of the other business by name or email", async () => {
    const asVictim = <T>(fn: (tx: Queryable) => Promise<T>) => withTenant(t.db, { tenantId: v.tenant.tenant_id, actorType: 'agent' }, fn)
    for (const q of ['Vic', 'vic@victim.test']) {
      for (const sql of ['select contact_ids_matching($1) as id', 'select id from contacts_matching($1)']) {
        const match = (tx: Queryable) => tx.query<{ id: string }>(sql, [q])
        expect((await asVictim(match)).rows, `the victim finds ${q} by ${sql}`).toHaveLength(1)
        expect((await asAttacker(match)).rows, `the attacker finds ${q} by ${sql}`).toEqual([])
      }
    }
  })

  it('the other word filters (customers by words, invoice numbers, leads, services, team) and the custom field filters find nothing of the other business', async () => {
    const asVictim = <T>(fn: (tx: Queryable) => Promise<T>) => withTenant(t.db, { tenantId: v.tenant.tenant_id, actorType: 'agent' }, fn)
    await t.admin.query(
      `insert into leads (tenant_id, raw_notes, name, phone) values ($1, 'Wants gutters', 'Vicky Lead', '256-555-0199')`,
      [v.tenant.tenant_id],
    )
    await t.admin.query(`insert into services (tenant_id, name, pricing, price_cents) values ($1, 'Victim Polish', 'fixed', 100)`, [
      v.tenant.tenant_id,
    ])
    await t.admin.query(`update contacts set custom_fields = '{"gate_code": "4821"}' where tenant_id = $1`, [v.tenant.tenant_id])
    await t.admin.query(`update tickets set custom_fields = '{"ladder_needed": true}' where tenant_id = $1`, [v.tenant.tenant_id])
    const lookups: Array<[string, string, unknown[]]> = [
      ['contact_ids_with_custom_value', 'select contact_ids_with_custom_value($1, $2) as id', ['gate_code', '"4821"']],
      ['contact_ids_with_custom_value by key', 'select contact_ids_with_custom_value($1, null) as id', ['gate_code']],
      ['ticket_ids_with_custom_value', 'select ticket_ids_with_custom_value($1, $2) as id', ['ladder_needed', 'true']],
      ['contact_ids_with_words', 'select contact_ids_with_words($1) as id', [['%vic%']]],
      ['invoice_ids_numbered', 'select invoice_ids_numbered($1) as id', ['INV-1']],
      ['lead_ids_matching', 'select lead_ids_matching($1, $2) as id', ['Vicky', null]],
      ['lead_ids_matching by phone', 'select lead_ids_matching($1, $2) as id', ['0199', '0199']],
      ['service_ids_matching', 'select service_ids_matching($1) as id', ['Victim Polish']],
      ['user_ids_matching', 'select user_ids_matching($1) as id', ['owner@victim']],
    ]
    for (const [what, sql, args] of lookups) {
      const look = (tx: Queryable) => tx.query<{ id: string }>(sql, args)
      expect((await asVictim(look)).rows.length, `the victim finds with ${what}`).toBeGreaterThan(0)
      expect((await asAttacker(look)).rows, `the attacker finds with ${what}`).toEqual([])
    }
  })

  it("erasing with the other business's erasure finds no erasure and changes none of its rows", async () => {
    const vic = await t.admin.query<{ id: string }>('select id from contacts where tenant_id = $1', [v.tenant.tenant_id])
    const erasure = await t.admin.query<{ id: string }>('insert into erasures (tenant_id, contact_id) values ($1, $2) returning id', [
      v.tenant.tenant_id,
      vic.rows[0].id,
    ])
    const before = await t.admin.query('select to_jsonb(c)::text as row from contacts c where tenant_id = $1', [v.tenant.tenant_id])
    await expect(asAttacker((tx) => tx.query('select erase_customer($1, now())', [erasure.rows[0].id]))).rejects.toThrow(/no erasure/)
    const after = await t.admin.query('select to_jsonb(c)::text as row from contacts c where tenant_id = $1', [v.tenant.tenant_id])
    expect(after.rows).toEqual(before.rows)
    await t.admin.query('delete from erasures where id = $1', [erasure.rows[0].id])
  })

  it("can call no function that runs as its owner except the search, the word filters, the question reading, the search-entry rebuild and the erasure, which act on the request's own business only", async () => {
    // Trigger functions cannot be called, only fired by a statement on their own table.
    const r = await t.admin.query<{ name: string }>(
      `select p.proname as name from pg_proc p
       where p.pronamespace = 'public'::regnamespace and p.prosecdef and p.prorettype <> 'trigger'::regtype
         and has_function_privilege($1, p.oid, 'execute') order by 1`,
      [DEFAULT_ROLES.app],
    )
    expect(r.rows.map((row) => row.name)).toEqual([
      'contact_ids_matching',
      'contact_ids_with_custom_value',
      'contact_ids_with_words',
      'contacts_matching',
      'erase_customer',
      'invoice_ids_numbered',
      'lead_ids_matching',
      'search_hits',
      'search_question',
      'search_question_vocabulary',
      'search_refresh_own_contacts',
      'service_ids_matching',
      'ticket_ids_with_custom_value',
      'user_ids_matching',
    ])
  })
})
