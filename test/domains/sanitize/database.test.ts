import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../../core/db/tenant.js'
import type { Queryable } from '../../../core/db/types.js'
import { redactSensitive } from '../../../core/kernel/sanitize.js'
import { createTenant } from '../../../core/kernel/tenants.js'
import { engines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'
import { CORPUS } from './corpus.js'

const ACTOR = '7d1f3c1e-0a5b-4c7e-9f11-2b6a1d0c9e01'

describe.each(engines)('the database trigger redacts like the API (%s)', (engine) => {
  let t: TestDatabase
  let tenantId: string
  let contactId: string
  const asApp = <T>(fn: (tx: Queryable) => Promise<T>, requestId = 'trigger-test') =>
    withTenant(t.db, { tenantId, actorType: 'agent', actorId: ACTOR, requestId }, fn)
  const events = async (where: string, args: unknown[] = []) =>
    (
      await t.admin.query(
        `select kind, layer, entity_type, entity_id, field, detail, actor_type, actor_id, request_id from security_events
      where tenant_id = $1 and ${where} order by kind`,
        [tenantId, ...args],
      )
    ).rows

  beforeAll(async () => {
    t = await freshDatabase(engine)
    tenantId = (await createTenant(t.db, { name: 'Trigger Test', owner_email: 'owner@trigger.test' })).tenant_id
    contactId = await asApp(
      async (tx) =>
        (
          await tx.query<{ id: string }>(`insert into contacts (tenant_id, display_name) values ($1, 'Corpus Contact') returning id`, [
            tenantId,
          ])
        ).rows[0].id,
    )
  })
  afterAll(() => t?.dispose())

  it('stores every text of the corpus exactly as redactSensitive returns it, and records what it redacted', async () => {
    const samples = CORPUS.filter((s) => s.text.trim())
    const stored = await asApp(async (tx) => {
      const out: Array<{ id: string; content: string }> = []
      for (const s of samples) {
        const r = await tx.query<{ id: string; content: string }>(
          `insert into notes (tenant_id, contact_id, content, author_type) values ($1, $2, $3, 'agent') returning id, content`,
          [tenantId, contactId, s.text],
        )
        out.push(r.rows[0])
      }
      return out
    }, 'corpus-run')
    const mismatches = samples.flatMap((s, i) => {
      const api = redactSensitive(s.text).text
      return stored[i].content === s.expected && api === s.expected
        ? []
        : [{ text: s.text, database: stored[i].content, api, expected: s.expected }]
    })
    expect(mismatches).toEqual([])
    const reread = await asApp((tx) =>
      tx.query<{ id: string; content: string }>('select id, content from notes where contact_id = $1', [contactId]),
    )
    expect(new Map(reread.rows.map((r) => [r.id, r.content]))).toEqual(new Map(stored.map((r) => [r.id, r.content])))

    const logged = await events(`layer = 'database' and request_id = 'corpus-run'`)
    const expected = samples.flatMap((s, i) => [
      ...(s.cards ? [{ entity_id: stored[i].id, kind: 'card', count: s.cards }] : []),
      ...(s.ssns ? [{ entity_id: stored[i].id, kind: 'ssn', count: s.ssns }] : []),
    ])
    const key = (e: { entity_id: string; kind: string }) => `${e.entity_id}:${e.kind}`
    expect(
      logged
        .map((e: any) => ({ entity_id: e.entity_id, kind: e.kind, count: e.detail.count }))
        .sort((a, b) => key(a).localeCompare(key(b))),
    ).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))))
    for (const e of logged) {
      expect(e).toMatchObject({ layer: 'database', entity_type: 'note', field: 'content', actor_type: 'agent', actor_id: ACTOR })
    }
    const everything = JSON.stringify(await events('true'))
    for (const s of samples.filter((x) => x.cards || x.ssns)) {
      for (const secret of s.text.match(/\d[\d -]{7,}\d/g) ?? []) expect(everything).not.toContain(secret)
    }
  })

  it('guards the other note and message columns, on insert and on update', async () => {
    const card = 'card 4111 1111 1111 1111'
    const ids = await asApp(async (tx) => {
      const contact = await tx.query<{ id: string; notes: string; email: string }>(
        `insert into contacts (tenant_id, display_name, notes, emails) values ($1, 'Guarded', $2, '[{"value": "g@x.test", "primary": true}]')
         returning id, notes, email`,
        [tenantId, card],
      )
      const ticket = await tx.query<{ id: string; notes: string }>(
        `insert into tickets (tenant_id, number, contact_id, scheduled_start, scheduled_end, notes)
         values ($1, 9001, $2, now(), now() + interval '1 hour', 'ssn 123-45-6789') returning id, notes`,
        [tenantId, contactId],
      )
      const lead = await tx.query<{ id: string; raw_notes: string }>(
        `insert into leads (tenant_id, raw_notes) values ($1, $2) returning id, raw_notes`,
        [tenantId, `Caller read out ${card}`],
      )
      const template = await tx.query<{ id: string; body: string }>(
        `insert into message_templates (tenant_id, kind, name, subject, body) values ($1, 'custom', 'Guarded', 'Hi', $2) returning id, body`,
        [tenantId, `Hello {{first_name}}, ${card}`],
      )
      const message = await tx.query<{ id: string; body: string }>(
        `insert into scheduled_messages (tenant_id, contact_id, kind, body, send_at) values ($1, $2, 'custom', $3, now()) returning id, body`,
        [tenantId, contactId, `Your SSN 123456789 is on file`],
      )
      expect(contact.rows[0]).toMatchObject({ notes: 'card [REDACTED]', email: 'g@x.test' })
      expect(ticket.rows[0].notes).toBe('ssn [REDACTED]')
      expect(lead.rows[0].raw_notes).toBe('Caller read out card [REDACTED]')
      expect(template.rows[0].body).toBe('Hello {{first_name}}, card [REDACTED]')
      expect(message.rows[0].body).toBe('Your SSN [REDACTED] is on file')
      const updated = await tx.query<{ notes: string; phone: string }>(
        `update contacts set notes = 'new card 5555-5555-5555-4444', phones = '[{"value": "256-555-0142", "primary": true}]' where id = $1
         returning notes, phone`,
        [contact.rows[0].id],
      )
      expect(updated.rows[0]).toEqual({ notes: 'new card [REDACTED]', phone: '256-555-0142' })
      return {
        contact: contact.rows[0].id,
        ticket: ticket.rows[0].id,
        lead: lead.rows[0].id,
        template: template.rows[0].id,
        message: message.rows[0].id,
      }
    }, 'columns-run')
    const logged = await events(`request_id = 'columns-run'`)
    expect(logged.map((e: any) => [e.entity_type, e.field, e.kind, e.entity_id]).sort()).toEqual(
      [
        ['contact', 'notes', 'card', ids.contact],
        ['contact', 'notes', 'card', ids.contact],
        ['lead', 'raw_notes', 'card', ids.lead],
        ['message_template', 'body', 'card', ids.template],
        ['scheduled_message', 'body', 'ssn', ids.message],
        ['ticket', 'notes', 'ssn', ids.ticket],
      ].sort(),
    )
  })

  it('guards the reasoning, reasons, names, invoice terms and line descriptions as well, in the new layouts', async () => {
    const ids = await asApp(async (tx) => {
      const named = await tx.query<{ id: string; display_name: string }>(
        `insert into contacts (tenant_id, display_name) values ($1, 'Jane cc#4111111111111111') returning id, display_name`,
        [tenantId],
      )
      expect(named.rows[0].display_name).toBe('Jane cc#[REDACTED]')
      const audit = await tx.query<{ reasoning: string }>(
        `insert into audit_log (tenant_id, entity_type, entity_id, action, actor_type, reasoning)
        values ($1, 'contact', $2, 'update', 'agent', $3) returning reasoning`,
        [tenantId, contactId, 'She said 5555\u00a05555\u00a05555\u00a04444'],
      )
      expect(audit.rows[0].reasoning).toBe('She said [REDACTED]')
      const invoice = await tx.query<{ id: string; notes: string; terms: string; void_reason: string }>(
        `insert into invoices (tenant_id, number, contact_id, currency, issued_on, due_on, notes, terms, void_reason)
         values ($1, 'T-1', $2, 'USD', '2026-01-01', '2026-01-15', $3, $4, $5) returning id, notes, terms, void_reason`,
        [tenantId, contactId, 'paid 4111.1111.1111.1111', 'Net 15 (INV-2026-0001, 256-555-0142)', 'SSN １２３-４５-６７８９'],
      )
      expect(invoice.rows[0]).toMatchObject({
        notes: 'paid [REDACTED]',
        terms: 'Net 15 (INV-2026-0001, 256-555-0142)',
        void_reason: 'SSN [REDACTED]',
      })
      const line = await tx.query<{ description: string }>(
        `insert into invoice_line_items (tenant_id, invoice_id, description, unit_price_cents)
        values ($1, $2, $3, 100) returning description`,
        [tenantId, invoice.rows[0].id, 'Windows 6011-1111\n1111-1117'],
      )
      expect(line.rows[0].description).toBe('Windows [REDACTED]')
      const request = await tx.query<{ id: string; reasoning: string }>(
        `insert into authorization_requests (tenant_id, action_key, data, reasoning, summary)
        values ($1, 'invoice.void', '{}', $2, 'Void') returning id, reasoning`,
        [tenantId, 'because 378282246310005'],
      )
      expect(request.rows[0].reasoning).toBe('because [REDACTED]')
      const decided = await tx.query<{ decision_note: string }>(
        `update authorization_requests set status = 'denied', decision = 'deny',
        decision_note = 'not with 123.45.6789' where id = $1 returning decision_note`,
        [request.rows[0].id],
      )
      expect(decided.rows[0].decision_note).toBe('not with [REDACTED]')
      const cancelled = await tx.query<{ cancel_reason: string }>(
        `insert into tickets (tenant_id, number, contact_id, scheduled_start, scheduled_end,
        status, cancel_reason) values ($1, 9003, $2, now(), now() + interval '1 hour', 'cancelled', 'card 4111 - 1111 - 1111 - 1111') returning cancel_reason`,
        [tenantId, contactId],
      )
      expect(cancelled.rows[0].cancel_reason).toBe('card [REDACTED]')
      return { contact: named.rows[0].id, invoice: invoice.rows[0].id, request: request.rows[0].id }
    }, 'new-columns-run')
    const logged = await events(`request_id = 'new-columns-run'`)
    expect(logged.map((e: any) => [e.entity_type, e.field, e.kind, e.entity_id]).sort()).toEqual(
      [
        ['contact', 'display_name', 'card', ids.contact],
        ['audit', 'reasoning', 'card', contactId],
        ['invoice', 'notes', 'card', ids.invoice],
        ['invoice', 'void_reason', 'ssn', ids.invoice],
        ['invoice_line_item', 'description', 'card', expect.any(String)],
        ['authorization_request', 'reasoning', 'card', ids.request],
        ['authorization_request', 'decision_note', 'ssn', ids.request],
        ['ticket', 'cancel_reason', 'card', expect.any(String)],
      ].sort(),
    )
  })

  it('lets a ticket close with its notes redacted, and still refuses any change to a closed ticket', async () => {
    const ticketId = await asApp(async (tx) => {
      const r = await tx.query<{ id: string }>(
        `insert into tickets (tenant_id, number, contact_id, scheduled_start, scheduled_end)
        values ($1, 9002, $2, now(), now() + interval '1 hour') returning id`,
        [tenantId, contactId],
      )
      const closed = await tx.query<{ notes: string; status: string }>(
        `update tickets set status = 'completed', closed_at = now(),
        notes = 'Paid 4111-1111-1111-1111 on site' where id = $1 returning notes, status`,
        [r.rows[0].id],
      )
      expect(closed.rows[0]).toEqual({ notes: 'Paid [REDACTED] on site', status: 'completed' })
      return r.rows[0].id
    }, 'close-run')
    await expect(
      asApp((tx) => tx.query(`update tickets set notes = 'Later 4111111111111111' where id = $1`, [ticketId]), 'after-close-run'),
    ).rejects.toMatchObject({ code: 'IMMUTABLE' })
    expect(await events(`request_id = 'after-close-run'`)).toEqual([])
    const stored = await asApp((tx) => tx.query<{ notes: string }>('select notes from tickets where id = $1', [ticketId]))
    expect(stored.rows[0].notes).toBe('Paid [REDACTED] on site')
  })
})
