import { randomUUID } from 'node:crypto'
import { writeAuditMany } from '../../kernel/audit.js'
import type { AuditEntry, OperationContext } from '../../kernel/context.js'
import { callWithin } from '../../kernel/call-within.js'
import { setLocal } from '../../db/tenant.js'
import { parseInput } from '../../kernel/validation.js'
import { addAddress } from '../addresses/actions.js'
import { ADDRESS_COLUMNS } from '../addresses/model.js'
import { setAttribute } from '../attributes/actions.js'
import { ATTRIBUTE_COLUMNS } from '../attributes/model.js'
import { createContact, updateContact } from '../contacts/actions.js'
import { CONTACT_COLUMNS, displayNameOf, emailKey, uniqueTags, withPrimary } from '../contacts/model.js'
import { tenantCountry } from '../../vocabulary/business-country.js'
import { phoneKey, primaryPhoneKey } from '../../vocabulary/phone.js'
import { addNote } from '../notes/actions.js'
import { NOTE_COLUMNS } from '../notes/model.js'
import type { CustomerCandidate, PlannedRow } from './square-customers.js'
import { matchOf, planForCurrentSizes, plannedMatch, refusalOf, remember, type KnownCustomers, type RowOutcome } from './write-customers.js'

/** Stands in for the contact id while a row's address, facts and memo are checked, before the contact has an id. */
const CHECKING_ID = '00000000-0000-4000-8000-000000000000'

/** A planned row that is not refused by its plan. */
type CandidateRow = Extract<PlannedRow, { candidate: CustomerCandidate }>

/** A row checked against the same input schemas the actions use: what it would write, redacted and normalized. */
interface CheckedRow {
  row: CandidateRow
  contact: ReturnType<typeof createContact.input.parse>
  address: ReturnType<typeof addAddress.input.parse> | null
  attributes: Array<{ key: string; value: unknown }>
  memo: string | null
}

/** What a contact already has, so a matched row adds only what it lacks. */
interface Holdings {
  email: string | null
  phone: string | null
  addresses: Set<string>
  keys: Set<string>
  notes: Set<string>
}

/**
 * Writes a chunk of rows with one statement per table (contacts, addresses, attributes, notes, external ids, audit),
 * so the search entries are refreshed once per statement, not once per row. Rows whose values break an action's input
 * rules are refused here; when the database refuses the chunk, the error is thrown for the caller to undo the chunk and
 * write it row by row, which finds the row at fault. A dry run's writes are rolled back unread, so its search entries
 * are not rebuilt: that was about half of a dry run's time.
 */
export async function writeCustomersInBulk(
  ctx: OperationContext,
  known: KnownCustomers,
  rows: PlannedRow[],
  dryRun: boolean,
): Promise<RowOutcome[]> {
  const outcomes = new Map<PlannedRow, RowOutcome>()
  const checked: CheckedRow[] = []
  for (const row of rows) {
    if ('refused' in row) outcomes.set(row, { line: row.line, name: row.name, outcome: 'refused', reason: row.refused })
    else {
      const result = check(row)
      if (typeof result === 'string') outcomes.set(row, { line: row.line, name: row.name, outcome: 'refused', reason: result })
      else checked.push(result)
    }
  }

  const created = new Map<string, CheckedRow['contact']>()
  const holdings = new Map<string, Holdings>()
  const matchedIds = new Set<string>()
  const assigned = checked.flatMap((c) => {
    const candidate = c.row.candidate
    const match = matchOf(known, candidate)
    if (match && known.planned?.has(match.contactId)) {
      outcomes.set(c.row, plannedMatch(known, c.row, match))
      return []
    }
    const id = match?.contactId ?? randomUUID()
    if (!match) {
      created.set(id, c.contact)
      holdings.set(id, {
        email: c.contact.email ?? null,
        phone: c.contact.phone ?? null,
        addresses: new Set(),
        keys: new Set(),
        notes: new Set(),
      })
    } else if (!created.has(id)) matchedIds.add(id)
    remember(known, id, c.contact.email ? [c.contact.email] : [], c.contact.phone ? [c.contact.phone] : [], candidate.squareId)
    return [{ c, id, match }]
  })
  for (const [id, held] of await holdingsOf(ctx, [...matchedIds])) holdings.set(id, held)

  const updates: Array<{ contact_id: string; email?: string; phone?: string }> = []
  const addresses: Array<Record<string, unknown>> = []
  const attributes: Array<Record<string, unknown>> = []
  const notes: Array<Record<string, unknown>> = []
  const externalIds: Array<{ external_id: string; contact_id: string }> = []
  for (const { c, id, match } of assigned) {
    const held = holdings.get(id) ?? { email: null, phone: null, addresses: new Set(), keys: new Set(), notes: new Set() }
    if (match) {
      const blanks = {
        ...(!held.email && c.contact.email ? { email: c.contact.email } : {}),
        ...(!held.phone && c.contact.phone ? { phone: c.contact.phone } : {}),
      }
      Object.assign(held, blanks)
      const pending = created.get(id)
      if (pending) Object.assign(pending, blanks)
      else if (Object.keys(blanks).length) updates.push({ contact_id: id, ...blanks })
    }
    if (c.address && !held.addresses.has(addressKey(c.address))) {
      held.addresses.add(addressKey(c.address))
      addresses.push({ ...c.address, contact_id: id })
    }
    for (const { key, value } of c.attributes) {
      if (held.keys.has(key)) continue
      held.keys.add(key)
      attributes.push({ contact_id: id, key, value })
    }
    if (c.memo !== null && !held.notes.has(c.memo)) {
      held.notes.add(c.memo)
      notes.push({ contact_id: id, content: c.memo })
    }
    if (c.row.candidate.squareId) externalIds.push({ external_id: c.row.candidate.squareId, contact_id: id })
    outcomes.set(c.row, {
      line: c.row.line,
      name: c.row.name,
      outcome: match ? 'matched' : 'created',
      contact_id: id,
      ...(match ? { matched_by: match.by } : {}),
      ...(c.row.candidate.warnings.length ? { warnings: c.row.candidate.warnings } : {}),
    })
  }

  // The contacts' search entries are rebuilt once at the end, not after each table's statement (see migration 0019).
  await setLocal(ctx.db, { 'app.defer_contact_search': 'on' })
  await planForCurrentSizes(ctx)
  const audit: AuditEntry[] = []
  audit.push(...(await insertContacts(ctx, created)))
  // A blank filled from the file is the import's own match (by Square id, email or phone), already de-duplicated above.
  for (const update of updates) await callWithin(ctx, updateContact, { ...update, allow_duplicate: true })
  audit.push(
    ...(await insertRows(
      ctx,
      'address',
      `insert into addresses (tenant_id, contact_id, label, line1, line2, city, state, postal_code, country, access_notes)
    select $1, x.contact_id, x.label, x.line1, x.line2, x.city, x.state, x.postal_code, x.country, x.access_notes
    from jsonb_to_recordset($2::jsonb) as x(contact_id uuid, label text, line1 text, line2 text, city text, state text, postal_code text,
      country text, access_notes text)
    returning ${ADDRESS_COLUMNS}`,
      addresses,
    )),
  )
  audit.push(
    ...(await insertRows(
      ctx,
      'attribute',
      `insert into attributes (tenant_id, contact_id, key, value, source)
    select $1, x.contact_id, x.key, x.value, 'import' from jsonb_to_recordset($2::jsonb) as x(contact_id uuid, key text, value jsonb)
    returning ${ATTRIBUTE_COLUMNS}`,
      attributes,
    )),
  )
  audit.push(
    ...(await insertRows(
      ctx,
      'note',
      `insert into notes (tenant_id, contact_id, content, author_type, author_id)
    select $1, x.contact_id, x.content, $3, $4::uuid from jsonb_to_recordset($2::jsonb) as x(contact_id uuid, content text)
    returning ${NOTE_COLUMNS}`,
      notes,
      [ctx.actor.type, ctx.actor.id],
    )),
  )
  if (externalIds.length) {
    await ctx.db.query(
      `insert into contact_external_ids (tenant_id, source, external_id, contact_id)
      select $1, $2, x.external_id, x.contact_id from jsonb_to_recordset($3::jsonb) as x(external_id text, contact_id uuid)
      on conflict (tenant_id, source, external_id) do nothing`,
      [ctx.tenantId, known.source, JSON.stringify(externalIds)],
    )
  }
  await writeAuditMany(ctx.db, ctx, audit)
  const touched = new Set([
    ...created.keys(),
    ...updates.map((u) => u.contact_id),
    ...[...addresses, ...attributes].map((r) => String(r.contact_id)),
  ])
  await setLocal(ctx.db, { 'app.defer_contact_search': 'off' })
  if (touched.size && !dryRun) await ctx.db.query('select search_refresh_own_contacts($1::uuid[])', [[...touched]])
  return rows.map((row) => outcomes.get(row) as RowOutcome)
}

/** The row through the input schemas of contact.create, address.add, attribute.set and note.add; a string says why it is refused. */
function check(row: CandidateRow): CheckedRow | string {
  const c = row.candidate
  try {
    const contact = parseInput(createContact.input, { source: 'square_import', ...c.contact }, 'data')
    const address = c.address ? parseInput(addAddress.input, { contact_id: CHECKING_ID, ...c.address }, 'data') : null
    const attributes = Object.entries(c.attributes).map(([key, value]) => {
      const parsed = parseInput(setAttribute.input, { contact_id: CHECKING_ID, key, value, source: 'import' }, 'data')
      return { key: parsed.key, value: parsed.value }
    })
    const memo = c.memo ? parseInput(addNote.input, { contact_id: CHECKING_ID, content: c.memo }, 'data').content : null
    return { row, contact, address: address && { ...address, contact_id: CHECKING_ID }, attributes, memo }
  } catch (err) {
    const reason = refusalOf(err)
    if (reason === null) throw err
    return reason
  }
}

/** The new contacts with one statement, as contact.create would write each; their audit entries. */
async function insertContacts(ctx: OperationContext, created: Map<string, CheckedRow['contact']>): Promise<AuditEntry[]> {
  const country = await tenantCountry(ctx.db)
  const keyOf = (v: string) => phoneKey(v, country)
  const rows = [...created].map(([id, input]) => ({
    id,
    kind: input.kind,
    display_name: displayNameOf(input),
    first_name: input.first_name ?? null,
    last_name: input.last_name ?? null,
    emails: input.email ? withPrimary([], input.email, emailKey, false) : [],
    phones: input.phone ? withPrimary([], input.phone, keyOf, false) : [],
    phone_key: input.phone ? primaryPhoneKey([{ value: input.phone }], country) : null,
    tags: uniqueTags(input.tags ?? []),
    status: input.status,
    source: input.source ?? null,
  }))
  return insertRows(
    ctx,
    'contact',
    `insert into contacts (tenant_id, id, kind, display_name, first_name, last_name, emails, phones, tags, status, source, phone_key)
    select $1, x.id, x.kind, x.display_name, x.first_name, x.last_name, x.emails, x.phones,
      array(select jsonb_array_elements_text(x.tags)), x.status, x.source, x.phone_key
    from jsonb_to_recordset($2::jsonb) as x(id uuid, kind text, display_name text, first_name text, last_name text, emails jsonb, phones jsonb,
      tags jsonb, status text, source text, phone_key text)
    returning ${CONTACT_COLUMNS}`,
    rows,
  )
}

/** Runs one multi-row insert of rows (given as JSON in $2, the tenant in $1) and returns the audit entries of what it created. */
async function insertRows(
  ctx: OperationContext,
  entityType: string,
  sql: string,
  rows: Array<Record<string, unknown>>,
  more: unknown[] = [],
): Promise<AuditEntry[]> {
  if (!rows.length) return []
  const r = await ctx.db.query(sql, [ctx.tenantId, JSON.stringify(rows), ...more])
  return r.rows.map((after) => ({ entityType, entityId: String(after.id), action: 'create', before: null, after }))
}

/** What the given contacts already have, read with one statement per table. */
async function holdingsOf(ctx: OperationContext, ids: string[]): Promise<Map<string, Holdings>> {
  const held = new Map<string, Holdings>()
  if (!ids.length) return held
  const contacts = await ctx.db.query<{ id: string; email: string | null; phone: string | null }>(
    'select id, email, phone from contacts where id = any($1::uuid[])',
    [ids],
  )
  for (const c of contacts.rows)
    held.set(String(c.id), { email: c.email, phone: c.phone, addresses: new Set(), keys: new Set(), notes: new Set() })
  const addresses = await ctx.db.query<{ contact_id: string; line1: string; postal_code: string }>(
    'select contact_id, line1, postal_code from addresses where contact_id = any($1::uuid[])',
    [ids],
  )
  for (const a of addresses.rows) held.get(String(a.contact_id))?.addresses.add(addressKey(a))
  const attributes = await ctx.db.query<{ contact_id: string; key: string }>(
    'select contact_id, key from attributes where contact_id = any($1::uuid[])',
    [ids],
  )
  for (const a of attributes.rows) held.get(String(a.contact_id))?.keys.add(a.key)
  const notes = await ctx.db.query<{ contact_id: string; content: string }>(
    'select contact_id, content from notes where contact_id = any($1::uuid[])',
    [ids],
  )
  for (const n of notes.rows) held.get(String(n.contact_id))?.notes.add(n.content)
  return held
}

/** An address is the same place when its street line (any case) and postal code are. */
function addressKey(a: { line1: string; postal_code: string }): string {
  return `${a.line1.toLowerCase()}\n${a.postal_code}`
}
