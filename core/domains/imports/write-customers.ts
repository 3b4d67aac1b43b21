import type { OperationContext } from '../../kernel/context.js'
import { translateDatabaseError } from '../../db/translate-error.js'
import { setLocal } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { callWithin } from '../../kernel/call-within.js'
import { parseInput } from '../../kernel/validation.js'
import { addAddress } from '../addresses/actions.js'
import { setAttribute } from '../attributes/actions.js'
import { createContact, updateContact } from '../contacts/actions.js'
import { emailKey } from '../contacts/model.js'
import { tenantCountry } from '../../vocabulary/business-country.js'
import { type CountryCode, phoneKey } from '../../vocabulary/phone.js'
import { addNote } from '../notes/actions.js'
import type { CustomerCandidate, PlannedRow } from './square-customers.js'

/** Where the external keys of an import come from unless the caller names another source. */
export const SOURCE = 'square'

/** The business's customers by external id (of one source: Square's unless named), email and phone digits, kept current as rows are written. */
export interface KnownCustomers {
  source: string
  bySquareId: Map<string, string>
  byEmail: Map<string, string>
  byPhone: Map<string, string>
  /** The business's country, whose rules read a phone written without +country. */
  country?: CountryCode
  /**
   * A dry run in batches: the customers an earlier batch would create, rolled back with it. A row matching one is
   * reported matched, with nothing written (there is no row to fill in).
   */
  planned?: Set<string>
}

/** What happened to one row. */
export interface RowOutcome {
  line: number
  name: string
  outcome: 'created' | 'matched' | 'refused'
  contact_id?: string
  matched_by?: 'square_customer_id' | 'email' | 'phone'
  reason?: string
  warnings?: string[]
}

/** Every customer of the business as the import matches them, read once; a merged customer's emails and phones find the survivor. */
export async function knownCustomers(tx: Queryable, source = SOURCE): Promise<KnownCustomers> {
  const known: KnownCustomers = { source, bySquareId: new Map(), byEmail: new Map(), byPhone: new Map(), country: await tenantCountry(tx) }
  const ext = await tx.query<{ external_id: string; contact_id: string }>(
    'select external_id, contact_id from contact_external_ids where source = $1',
    [source],
  )
  for (const r of ext.rows) known.bySquareId.set(r.external_id, String(r.contact_id))
  const contacts = await tx.query<{ id: string; emails: Array<{ value: string }>; phones: Array<{ value: string }> }>(
    'select coalesce(merged_into, id) as id, emails, phones from contacts order by merged_into is not null, created_at, id',
  )
  for (const c of contacts.rows)
    remember(
      known,
      String(c.id),
      c.emails.map((e) => e.value),
      c.phones.map((p) => p.value),
    )
  return known
}

/** A row the database refused while it was written; the caller rolls back what the row began and goes on without it. */
export class RowRefused extends Error {
  constructor(readonly outcome: RowOutcome) {
    super(outcome.reason)
    this.name = 'RowRefused'
  }
}

/** Writes one planned row in the caller's transaction; a refusal is thrown as RowRefused, half-written, for the caller to undo. */
export async function writeCustomerRow(ctx: OperationContext, known: KnownCustomers, row: PlannedRow): Promise<RowOutcome> {
  if ('refused' in row) return { line: row.line, name: row.name, outcome: 'refused', reason: row.refused }
  const c = row.candidate
  try {
    const match = matchOf(known, c)
    if (match && known.planned?.has(match.contactId)) return plannedMatch(known, row, match)
    const contactId = match ? await fillIn(ctx, match.contactId, c) : await create(ctx, c)
    if (c.squareId) {
      await ctx.db.query(
        `insert into contact_external_ids (tenant_id, source, external_id, contact_id) values ($1, $2, $3, $4)
        on conflict (tenant_id, source, external_id) do nothing`,
        [ctx.tenantId, known.source, c.squareId, contactId],
      )
    }
    remember(known, contactId, c.contact.email ? [c.contact.email] : [], c.contact.phone ? [c.contact.phone] : [], c.squareId)
    return {
      line: row.line,
      name: row.name,
      outcome: match ? 'matched' : 'created',
      contact_id: contactId,
      ...(match ? { matched_by: match.by } : {}),
      ...(c.warnings.length ? { warnings: c.warnings } : {}),
    }
  } catch (err) {
    const reason = refusalOf(err)
    if (reason === null) throw err
    throw new RowRefused({ line: row.line, name: row.name, outcome: 'refused', reason })
  }
}

/** A row matching a customer only an earlier batch of this dry run would create: matched, and what it adds is remembered. */
export function plannedMatch(
  known: KnownCustomers,
  row: Extract<PlannedRow, { candidate: CustomerCandidate }>,
  match: NonNullable<ReturnType<typeof matchOf>>,
): RowOutcome {
  const c = row.candidate
  remember(known, match.contactId, c.contact.email ? [c.contact.email] : [], c.contact.phone ? [c.contact.phone] : [], c.squareId)
  return {
    line: row.line,
    name: row.name,
    outcome: 'matched',
    contact_id: match.contactId,
    matched_by: match.by,
    ...(c.warnings.length ? { warnings: c.warnings } : {}),
  }
}

/** Why the row is refused when err is about the row's values (the schema's or the database's rules); null for any other fault. */
export function refusalOf(err: unknown): string | null {
  const e = translateDatabaseError(err)
  return e instanceof AppError && ROW_FAULTS.has(e.code) && !e.details?.retryable ? e.message : null
}

/** The error codes that say what is wrong with a row, never with the database or the caller. */
const ROW_FAULTS = new Set<string>(['VALIDATION_ERROR', 'CONFLICT', 'NOT_FOUND', 'IMMUTABLE'])

/** A copy of what is known, to return to when a chunk of rows is rolled back. */
export function copyKnown(known: KnownCustomers): KnownCustomers {
  return {
    source: known.source,
    bySquareId: new Map(known.bySquareId),
    byEmail: new Map(known.byEmail),
    byPhone: new Map(known.byPhone),
    country: known.country,
    ...(known.planned ? { planned: new Set(known.planned) } : {}),
  }
}

/** The customer a candidate is, by Square id, then email, then phone; null when none is known. */
export function matchOf(known: KnownCustomers, c: CustomerCandidate) {
  const bySquare = c.squareId ? known.bySquareId.get(c.squareId) : undefined
  if (bySquare) return { contactId: bySquare, by: 'square_customer_id' as const }
  const byEmail = c.contact.email ? known.byEmail.get(emailKey(c.contact.email)) : undefined
  if (byEmail) return { contactId: byEmail, by: 'email' as const }
  const key = c.contact.phone ? phoneKey(c.contact.phone, known.country) : ''
  const byPhone = key.length >= 7 ? known.byPhone.get(key) : undefined
  return byPhone ? { contactId: byPhone, by: 'phone' as const } : null
}

async function create(ctx: OperationContext, c: CustomerCandidate): Promise<string> {
  const contact = await callWithin(ctx, createContact, { source: 'square_import', ...c.contact })
  const id = String(contact.id)
  if (c.address) await callWithin(ctx, addAddress, { contact_id: id, ...c.address })
  for (const [key, value] of Object.entries(c.attributes)) {
    await callWithin(ctx, setAttribute, { contact_id: id, key, value, source: 'import' })
  }
  if (c.memo) await callWithin(ctx, addNote, { contact_id: id, content: c.memo })
  return id
}

/** A customer found again: fills what the record lacks, never overwrites what a person entered, and adds nothing twice. */
async function fillIn(ctx: OperationContext, contactId: string, c: CustomerCandidate): Promise<string> {
  const r = await ctx.db.query<{ email: string | null; phone: string | null }>('select email, phone from contacts where id = $1', [
    contactId,
  ])
  const current = r.rows[0]
  const blanks = {
    ...(!current.email && c.contact.email ? { email: c.contact.email } : {}),
    ...(!current.phone && c.contact.phone ? { phone: c.contact.phone } : {}),
  }
  // The import matched this customer itself (by Square id, email or phone); filling a blank is not a new duplicate.
  if (Object.keys(blanks).length) {
    await callWithin(ctx, updateContact, { contact_id: contactId, ...blanks, allow_duplicate: true })
  }
  if (c.address) {
    const same = await ctx.db.query(`select 1 from addresses where contact_id = $1 and lower(line1) = lower($2) and postal_code = $3`, [
      contactId,
      c.address.line1,
      c.address.postal_code,
    ])
    if (!same.rows[0]) await callWithin(ctx, addAddress, { contact_id: contactId, ...c.address })
  }
  const facts = await ctx.db.query<{ key: string; value: unknown }>('select key, value from attributes where contact_id = $1', [contactId])
  const have = new Map(facts.rows.map((f) => [f.key, JSON.stringify(f.value)]))
  for (const [key, value] of Object.entries(c.attributes)) {
    if (have.has(key)) continue
    await callWithin(ctx, setAttribute, { contact_id: contactId, key, value, source: 'import' })
  }
  if (c.memo) {
    const note = parseInput(addNote.input, { contact_id: contactId, content: c.memo }, 'data')
    const again = await ctx.db.query('select 1 from notes where contact_id = $1 and content = $2', [contactId, note.content])
    if (!again.rows[0]) await callWithin(ctx, addNote, { contact_id: contactId, content: c.memo })
  }
  return contactId
}

/** Adds a customer's keys to what is known; a key already known keeps its first customer. */
export function remember(known: KnownCustomers, id: string, emails: string[], phones: string[], squareId?: string | null): void {
  if (squareId && !known.bySquareId.has(squareId)) known.bySquareId.set(squareId, id)
  for (const e of emails) if (!known.byEmail.has(emailKey(e))) known.byEmail.set(emailKey(e), id)
  for (const p of phones) {
    const key = phoneKey(p, known.country)
    if (key.length >= 7 && !known.byPhone.has(key)) known.byPhone.set(key, id)
  }
}

/**
 * Has the rest of the transaction plan each statement for the tables as they are now. The checks that run for every
 * row written (foreign keys, the closed-ticket guard) keep the plan made when a table was nearly empty, a scan of
 * the business's rows; as an import fills the table, each row's check then reads all rows before it.
 */
export async function planForCurrentSizes(ctx: { db: Queryable }): Promise<void> {
  await setLocal(ctx.db, { plan_cache_mode: 'force_custom_plan' })
}
