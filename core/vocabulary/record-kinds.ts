import type { Queryable } from '../db/types.js'
import { tenantCountry } from './business-country.js'
import { phoneDigits, phoneKey, phoneSearchDigits } from './phone.js'

/** A record a number or name in a call may mean: its id, what it is called, and one detail that tells it from others. */
export interface Candidate {
  id: string
  label: string
  detail: string | null
}

/** A kind of record a call may name by number or name instead of id. */
export interface RecordKind {
  /** The record kind, as entityOfField names it ("ticket", "contact"). */
  entity: string
  /** The record in words ("visit", "customer"). */
  noun: string
  /** What an id field of this kind takes besides the id, in a few words for published schemas. */
  takes: string
  /** How a value of this kind is shown in an answer ("#171", "\"Jane Smith\""). */
  shown(value: string): string
  /**
   * The records the value may mean, within the business's transaction: the best matches only (a whole name before part
   * of one; live records before archived ones). Null when the value is not of this kind's form at all.
   */
  find(tx: Queryable, value: string): Promise<Candidate[]> | null
  /** The names a caller may give, for a kind with few records: a name that matches none is answered with them. */
  names?(tx: Queryable): Promise<string[]>
}

/** How a name is compared: trimmed, single-spaced, in lower case. */
export function fold(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase()
}

/** Candidate rows with whether each is live (not archived, merged or deactivated): the live ones when there are any. */
function liveFirst(rows: Array<Candidate & { live: boolean }>): Candidate[] {
  const live = rows.filter((r) => r.live)
  return (live.length ? live : rows).map(({ id, label, detail }) => ({ id, label, detail }))
}

/** Whether a value may be a phone number: only its characters, and enough digits to be one. */
function mayBePhone(value: string): boolean {
  return /^[\d\s().+-]+$/.test(value) && phoneDigits(value).length >= 7
}

/** A value that may be a phone number: its stored key by the business's country's rules, or null. */
async function phoneKeyOf(tx: Queryable, value: string): Promise<string | null> {
  return mayBePhone(value) ? phoneKey(value, await tenantCountry(tx)) : null
}

/** A value that may be a phone number: the last ten digits of its national number, as a lead's phone is compared. */
async function leadPhoneDigits(tx: Queryable, value: string): Promise<string | null> {
  return mayBePhone(value) ? phoneSearchDigits(value, await tenantCountry(tx)).slice(-10) : null
}

/** A kind whose records carry a printed number ("INV-2026-0004"): found by that number, exactly or in capitals. */
function numbered(entity: string, noun: string, table: string, shape: RegExp, detail: string): RecordKind {
  return {
    entity,
    noun,
    takes: 'id or number',
    shown: (v) => v,
    find: (tx, value) =>
      shape.test(value)
        ? tx
            .query<Candidate>(`select id, number as label, ${detail} as detail from ${table} where number = $1 or number = upper($1)`, [
              value,
            ])
            .then((r) => r.rows)
        : null,
  }
}

const VISIT: RecordKind = {
  entity: 'ticket',
  noun: 'visit',
  takes: 'id or #number',
  shown: (v) => `#${v.replace('#', '')}`,
  find: (tx, value) =>
    /^#?\d{1,9}$/.test(value)
      ? tx
          .query<Candidate>(
            `select t.id, '#' || t.number as label, to_char(t.scheduled_start, 'YYYY-MM-DD') as detail from tickets t where t.number = $1`,
            [Number(value.replace('#', ''))],
          )
          .then((r) => r.rows)
      : null,
}

const CUSTOMER: RecordKind = {
  entity: 'contact',
  noun: 'customer',
  takes: 'id, full name, email or phone',
  shown: (v) => `"${v}"`,
  // Email and phone key are indexed columns; a name goes through the indexed customer lookup, which narrows to the few
  // rows containing the words, and the whole name decides.
  find: async (tx, value) =>
    tx
      .query<Candidate & { live: boolean }>(
        `select c.id, c.display_name as label, coalesce(c.email, c.phone) as detail, c.archived_at is null as live
         from contacts c where c.merged_into is null and c.id in (
             select id from contacts where email = $2
             union select id from contacts where $3::text is not null and phone_key = $3
             union select m from contact_ids_matching($1) m where $1 is not null)
           and (lower(c.display_name) = $2 or c.email = $2 or ($3::text is not null and c.phone_key = $3))
         order by lower(c.display_name), c.created_at, c.id limit 50`,
        // A name with a letter goes to the name lookup; a pattern character there would match every name.
        [/\p{L}/u.test(value) && !/[%\\]/.test(value) ? value : null, fold(value), await phoneKeyOf(tx, value)],
      )
      .then((r) => liveFirst(r.rows)),
}

const LEAD: RecordKind = {
  entity: 'lead',
  noun: 'lead',
  takes: 'id, name, email or phone',
  shown: (v) => `"${v}"`,
  find: async (tx, value) =>
    tx
      .query<Candidate & { live: boolean }>(
        `select id, coalesce(name, email, phone) as label, coalesce(email, phone, to_char(created_at, 'YYYY-MM-DD')) as detail,
           status not in ('converted', 'archived') as live
         from leads where lower(name) = $1 or lower(email) = $1
           or ($2::text is not null and right(regexp_replace(coalesce(phone, ''), '\\D', '', 'g'), 10) = $2)
         order by created_at, id limit 50`,
        [fold(value), await leadPhoneDigits(tx, value)],
      )
      .then((r) => liveFirst(r.rows)),
}

const SERVICE: RecordKind = {
  entity: 'service',
  noun: 'service',
  takes: 'id or name',
  shown: (v) => `"${v}"`,
  // The whole name, else the one name that contains the words (as a line item's service is taken).
  find: async (tx, value) => {
    const r = await tx.query<Candidate & { live: boolean; name: string }>(
      `select id, name as label, name, case when price_cents is null then pricing else '$' || to_char(price_cents / 100.0, 'FM999999990.00')
         end as detail, status = 'active' as live from services order by lower(name), id`,
    )
    const wanted = fold(value)
    const whole = r.rows.filter((s) => fold(s.name) === wanted)
    return liveFirst(whole.length ? whole : r.rows.filter((s) => s.live && fold(s.name).includes(wanted)))
  },
}

const TEAM_MEMBER: RecordKind = {
  entity: 'user',
  noun: 'team member',
  takes: 'id, name or email',
  shown: (v) => `"${v}"`,
  // The whole name or email, else the first name alone when one person has it (as bookings take technicians).
  find: async (tx, value) => {
    const r = await tx.query<Candidate & { live: boolean; name: string; email: string }>(
      `select id, coalesce(nullif(name, ''), email) as label, name, email, email as detail, deactivated_at is null as live
       from users order by lower(name), id`,
    )
    const wanted = fold(value)
    const whole = r.rows.filter((u) => (u.name && fold(u.name) === wanted) || u.email.toLowerCase() === wanted)
    return liveFirst(whole.length ? whole : r.rows.filter((u) => u.live && u.name && fold(u.name).split(' ')[0] === wanted))
  },
}

/** A kind named by a unique-ish name column in a small table: the whole name, in any case. */
function named(entity: string, noun: string, table: string, detail: string): RecordKind {
  return {
    entity,
    noun,
    takes: 'id or name',
    shown: (v) => `"${v}"`,
    find: (tx, value) =>
      tx
        .query<Candidate & { live: boolean }>(
          `select id, name as label, ${detail} as detail, archived_at is null as live from ${table}
           where lower(name) = $1 order by created_at, id limit 50`,
          [fold(value)],
        )
        .then((r) => liveFirst(r.rows)),
  }
}

/** A plan of the catalog, by its whole name; a name no plan has is answered with the names of the plans sold. */
const PLAN: RecordKind = {
  ...named(
    'plan',
    'plan',
    'plans',
    `cycle || ', ' || to_char(price_cents / 100.0, 'FM999999990.00') || ' ' || currency ||
       case when archived_at is null then '' else ', archived' end`,
  ),
  names: (tx) =>
    tx
      .query<{ name: string }>('select name from plans where archived_at is null order by lower(name), id')
      .then((r) => r.rows.map((p) => p.name)),
}

/** Every kind of record a call may name by number or name, by the entity its id fields point at. */
export const RECORD_KINDS: ReadonlyMap<string, RecordKind> = new Map(
  [
    VISIT,
    numbered('invoice', 'invoice', 'invoices', /^[A-Za-z0-9][A-Za-z0-9/._-]{0,39}$/, 'status'),
    numbered('quote', 'quote', 'quotes', /^Q-\d{4}-\d{1,9}$/i, 'status'),
    numbered('order', 'order', 'orders', /^O-\d{4}-\d{1,9}$/i, 'status'),
    CUSTOMER,
    LEAD,
    SERVICE,
    TEAM_MEMBER,
    named('template', 'template', 'message_templates', 'kind'),
    named('segment', 'segment', 'segments', 'kind'),
    PLAN,
  ].map((k) => [k.entity, k]),
)

/** Id fields whose name does not say the kind their record is (entityOfField reads `assignee_id` as an "assignee"). */
const FIELD_KINDS: Record<string, string> = { assignee: 'user', survivor: 'contact', merged: 'contact' }

/** The kind of record an entity (as entityOfField reads a field) is, when it is taken by number or name. */
export function recordKindOf(entity: string | null | undefined): RecordKind | null {
  if (!entity) return null
  return RECORD_KINDS.get(FIELD_KINDS[entity] ?? entity) ?? null
}
