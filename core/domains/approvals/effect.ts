import type { OperationContext } from '../../kernel/context.js'
import { localDate } from '../../vocabulary/time.js'
import { isUuid } from '../../kernel/schema-types.js'
import { MESSAGE_COLUMNS } from '../messages/model.js'
import { renderMessage } from '../messages/render.js'
import { loadTenantSettings } from '../settings/model.js'
import { recordLabels } from './effect-labels.js'

/** One field of a record a call changes: as it is, and as the call leaves it (null: not there). */
export interface FieldChange {
  before: unknown
  after: unknown
}

/** One record a call changes, as its audit entries say: which record, what is done, and how. */
export interface RecordChange {
  entity: string
  /** The record's id; a record the call makes has a new id each time it is tried, so ids are matched, not compared. */
  record: string
  /** The record in the owner's words, e.g. "Visit #171 for Jane Smith"; not compared, since a name may be edited meanwhile. */
  label: string
  action: string
  /** Whether the call makes this record (known once the try is rolled back: it is gone then). */
  made?: boolean
  fields: Record<string, FieldChange>
}

/** What a call does to the business, found by trying it: every record it changes. */
export interface CallEffect {
  /** When it was tried: a value that moves with the clock (made now, due 72 hours from now) is compared by this. */
  at: string
  /** The database's clock then (its transaction's start), which stamps rows made (created_at). */
  db_at?: string
  /** The business's date then. */
  today: string
  changes: RecordChange[]
  /** The team members the changes name by id (technicians on a visit), by name, for the card's words. */
  people?: Record<string, string>
  /** Each email the call queues or changes, as it would reach its customer: the address it goes to and its words. */
  emails?: EmailEffect[]
}

/** One email a call queues or changes, as its customer would get it (links made at delivery aside). */
export interface EmailEffect {
  message: string
  kind: string
  to: string | null
  subject: string
  body: string
  /** When it is read as going: its send time, or the one the owner was shown when it moved only with the clock. */
  as_of: string
}

/** Fields that say nothing about what a call does: random secrets, and a new record's number (the next one free). */
const SECRET_FIELD = /(^|_)(hash|token|secret)$/

/**
 * Runs fn (which carries out the call in ctx's transaction, inside a savepoint the caller rolls back or keeps) and reads
 * back every audit entry it wrote: what the call does, record by record, with each record's name in the owner's words,
 * and each email it queues or changes as its customer would get it. `shown` is what the owner was shown: an email whose
 * send time moved only with the clock (one sent "now") is then read as of the time shown, so only a change of address,
 * name, template or words tells the two apart, not the day they are read.
 */
export async function capturingEffect<T>(
  ctx: OperationContext,
  fn: () => Promise<T>,
  shown?: CallEffect | null,
): Promise<{ result: T; effect: CallEffect }> {
  const mark = await ctx.db.query<{ last: string; db_at: Date }>('select coalesce(max(id), 0)::text as last, now() as db_at from audit_log')
  const at = ctx.services.now()
  const result = await fn()
  const rows = await ctx.db.query<{ entity_type: string; entity_id: string; action: string; changes: Record<string, FieldOf> }>(
    `select entity_type, entity_id, action, changes from audit_log where id > $1::bigint and request_id = $2 order by id`,
    [mark.rows[0].last, ctx.requestId],
  )
  const labels = await recordLabels(
    ctx.db,
    rows.rows.map((r) => ({ entity: r.entity_type, id: r.entity_id })),
  )
  const changes = rows.rows.map((row) => ({
    entity: row.entity_type,
    record: row.entity_id,
    label: labels.get(`${row.entity_type}:${row.entity_id}`) ?? row.entity_type.replace(/_/g, ' '),
    action: row.action,
    fields: Object.fromEntries(
      Object.entries(row.changes)
        .filter(([field]) => !SECRET_FIELD.test(field))
        .map(([field, change]) => [field, { before: change.old, after: change.new }]),
    ),
  }))
  const named = new Set<string>()
  for (const c of changes) for (const f of Object.values(c.fields)) for (const v of [f.before, f.after]) uuidsIn(v, named)
  const people = await ctx.db.query<{ id: string; name: string }>(
    `select id, coalesce(nullif(name, ''), email) as name from users where id = any($1::uuid[])`,
    [[...named]],
  )
  const timezone = (await ctx.db.query<{ timezone: string }>('select timezone from tenants where id = app_tenant()')).rows[0]?.timezone
  const emails = await emailsOf(
    ctx,
    changes.filter((c) => c.entity === 'scheduled_message').map((c) => c.record),
    shown?.emails ? { emails: shown.emails, shiftMs: at.getTime() - Date.parse(shown.at) } : null,
  )
  return {
    result,
    effect: {
      at: at.toISOString(),
      db_at: new Date(mark.rows[0].db_at).toISOString(),
      today: localDate(at, timezone ?? 'UTC'),
      changes,
      people: Object.fromEntries(people.rows.map((p) => [p.id, p.name])),
      ...(emails.length ? { emails } : {}),
    },
  }
}

/**
 * The emails among the messages a call queued or changed that are still to go, each rendered as its customer would get
 * it, to the address it would go to now. Beside the emails the owner was shown, one whose send time moved with the clock
 * is read as of the time shown.
 */
async function emailsOf(
  ctx: OperationContext,
  ids: string[],
  shown: { emails: EmailEffect[]; shiftMs: number } | null,
): Promise<EmailEffect[]> {
  const unique = [...new Set(ids)]
  if (!unique.length) return []
  const r = await ctx.db.query<Record<string, unknown> & { id: string; kind: string; send_at: Date; _to: string | null }>(
    `select ${MESSAGE_COLUMNS}, (select c.email from contacts c where c.id = m.contact_id) as _to
       from scheduled_messages m where m.id = any($1::uuid[]) and m.status = 'pending'`,
    [unique],
  )
  const byId = new Map(r.rows.map((row) => [row.id, row]))
  const settings = await loadTenantSettings(ctx.db)
  const unpaired = shown?.emails.filter((e) => !byId.has(e.message)) ?? []
  const out: EmailEffect[] = []
  for (const id of unique) {
    const row = byId.get(id)
    if (!row) continue
    const { _to, ...message } = row
    const sendAt = new Date(row.send_at).getTime()
    const was = shown ? (shown.emails.find((e) => e.message === id) ?? unpaired.shift()) : undefined
    const movedWithClock = was && shown && Math.abs(sendAt - Date.parse(was.as_of) - shown.shiftMs) <= 60_000
    const asOf = movedWithClock ? new Date(was.as_of) : new Date(sendAt)
    const rendered = await renderMessage(ctx.db, { ...message, send_at: asOf }, settings)
    out.push({ message: id, kind: row.kind, to: _to, subject: rendered.subject, body: rendered.body, as_of: asOf.toISOString() })
  }
  return out
}

/**
 * Marks the records the call made, once its try was rolled back: a record named during the try and gone after it, or
 * (for a kind the card cannot name) one whose every field was empty before.
 */
export async function markMade(ctx: OperationContext, effect: CallEffect): Promise<CallEffect> {
  const still = await recordLabels(
    ctx.db,
    effect.changes.map((c) => ({ entity: c.entity, id: c.record })),
  )
  const named = new Set(effect.changes.filter((c) => c.label !== c.entity.replace(/_/g, ' ')).map((c) => `${c.entity}:${c.record}`))
  const made = (c: RecordChange) =>
    named.has(`${c.entity}:${c.record}`)
      ? !still.has(`${c.entity}:${c.record}`)
      : Object.values(c.fields).every((f) => f.before === null || f.before === undefined)
  return { ...effect, changes: effect.changes.map((c) => ({ ...c, made: made(c) })) }
}

/** An audit entry's change of one field. */
type FieldOf = { old: unknown; new: unknown }

/**
 * How what a call would do now differs from what the owner was shown, in words; empty when it is the same. Records are
 * the same by id; records only one side names (ones the call makes, with new ids each time) are paired in order, by kind.
 * A time or a date that moved exactly as far as the clock did (made now, due 72 hours from now, issued today) is the same.
 */
export function effectDifferences(shown: CallEffect, now: CallEffect): string[] {
  const shift = {
    ms: Date.parse(now.at) - Date.parse(shown.at),
    dbMs: shown.db_at && now.db_at ? Date.parse(now.db_at) - Date.parse(shown.db_at) : Date.parse(now.at) - Date.parse(shown.at),
    days: dayNumber(now.today) - dayNumber(shown.today),
  }
  const ids = pairedIds(shown, now)
  const fresh = { shown: freshIds(shown, now), now: freshIds(now, shown) }
  const same = (a: unknown, b: unknown) => sameValue(a, b, { ...shift, ids, fresh })
  const out: string[] = []
  const key = (c: RecordChange, id = c.record) => `${c.entity} ${id} ${c.action}`
  const before = new Map<string, RecordChange[]>()
  for (const c of shown.changes) before.set(key(c), [...(before.get(key(c)) ?? []), c])
  for (const c of now.changes) {
    const seen = before.get(key(c, ids.get(c.record) ?? c.record))?.shift()
    if (!seen) {
      out.push(
        `${c.label} would ${ids.has(c.record) || !shown.changes.length ? 'be made' : 'also change'} (${c.action.replace(/_/g, ' ')})`,
      )
      continue
    }
    const paired = ids.has(c.record)
    for (const field of new Set([...Object.keys(seen.fields), ...Object.keys(c.fields)])) {
      // A record made anew takes the next number free, which says nothing about what the call does.
      if (paired && field === 'number') continue
      const was = seen.fields[field]
      const is = c.fields[field]
      if (!was || !is) {
        out.push(`${c.label}: ${words(field)} would ${is ? 'also change' : 'no longer change'}`)
      } else if (!same(was.before, is.before) || !same(was.after, is.after)) {
        out.push(
          `${c.label}: ${words(field)} would go from ${shortValue(is.before)} to ${shortValue(is.after)}, ` +
            `not from ${shortValue(was.before)} to ${shortValue(was.after)}`,
        )
      }
    }
  }
  for (const left of before.values()) for (const c of left) out.push(`${c.label} would no longer change (${c.action.replace(/_/g, ' ')})`)
  if (shown.emails) out.push(...emailDifferences(shown.emails, now.emails ?? []))
  return out
}

/**
 * How the emails a call would send now differ from those the owner was shown: how many, where each goes, and its words.
 * Emails are paired by their message when it is the same one, else in order (a message made anew has a new id).
 */
function emailDifferences(shown: EmailEffect[], now: EmailEffect[]): string[] {
  if (shown.length !== now.length) return [`it would now send ${now.length} email${now.length === 1 ? '' : 's'}, not ${shown.length}`]
  const out: string[] = []
  const ids = new Set(shown.map((e) => e.message))
  const rest = shown.filter((e) => !now.some((n) => n.message === e.message))
  for (const e of now) {
    const was = ids.has(e.message) ? shown.find((s) => s.message === e.message) : rest.shift()
    if (!was) continue
    const what = `the ${e.kind.replace(/_/g, ' ')} email`
    if (was.to !== e.to) out.push(`${what} would now go to ${e.to ?? 'no address'}, not ${was.to ?? 'no address'}`)
    if (was.subject !== e.subject) out.push(`${what}'s subject would now read "${shortText(e.subject)}", not "${shortText(was.subject)}"`)
    if (was.body !== e.body)
      out.push(
        `${what} would now read "${shortText(firstDifference(e.body, was.body))}" where it read "${shortText(firstDifference(was.body, e.body))}"`,
      )
  }
  return out
}

/** The first line of a text that the other does not have at the same place. */
function firstDifference(text: string, other: string): string {
  const a = text.split('\n')
  const b = other.split('\n')
  return a.find((line, i) => line !== b[i]) ?? a.at(-1) ?? ''
}

function shortText(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/**
 * Ids a try brought in that the other try never mentions: the ids of rows it made (a new line of a visit), which are new
 * each time. An id found in a value before the call (a technician on the visit) is never one.
 */
function freshIds(effect: CallEffect, other: CallEffect): Set<string> {
  const before = idsIn(effect, ['before'], false)
  const elsewhere = idsIn(other, ['before', 'after'], true)
  return new Set([...idsIn(effect, ['after'], true)].filter((id) => !before.has(id) && !elsewhere.has(id)))
}

/** The ids found in the sides asked of each field of an effect (before, after), and its records' own when asked. */
function idsIn(effect: CallEffect, sides: ReadonlyArray<keyof FieldChange>, records: boolean): Set<string> {
  const ids = new Set<string>()
  for (const c of effect.changes) {
    if (records) ids.add(c.record)
    for (const f of Object.values(c.fields)) for (const side of sides) uuidsIn(f[side], ids)
  }
  return ids
}

/** Adds every id found in a value to a set. */
function uuidsIn(value: unknown, into: Set<string>): void {
  if (isUuid(value)) into.add(value.toLowerCase())
  else if (Array.isArray(value)) for (const v of value) uuidsIn(v, into)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) uuidsIn(v, into)
}

/** Records named on one side only, paired in order of appearance by kind: now's id to the id the owner was shown. */
function pairedIds(shown: CallEffect, now: CallEffect): Map<string, string> {
  const shownIds = new Set(shown.changes.map((c) => c.record))
  const nowIds = new Set(now.changes.map((c) => c.record))
  const onlyShown = new Map<string, string[]>()
  for (const c of shown.changes) {
    const list = onlyShown.get(c.entity) ?? []
    if (!nowIds.has(c.record) && !list.includes(c.record)) onlyShown.set(c.entity, [...list, c.record])
  }
  const pairs = new Map<string, string>()
  for (const c of now.changes) {
    if (shownIds.has(c.record) || pairs.has(c.record)) continue
    const next = onlyShown.get(c.entity)?.shift()
    if (next) pairs.set(c.record, next)
  }
  return pairs
}

/**
 * Whether two values are the same once the clock's shift is allowed for (an instant or a date that moved with it), and
 * ids of records made anew are read as the ids they were paired with.
 */
function sameValue(a: unknown, b: unknown, how: Comparison): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b || how.ids.get(b) === a) return true
    // Two ids each try made afresh (a new line's id) stand for the same new row.
    if (how.fresh.shown.has(a.toLowerCase()) && how.fresh.now.has(b.toLowerCase())) return true
    if (DATE.test(a) && DATE.test(b)) return dayNumber(b) - dayNumber(a) === how.days
    const ta = INSTANT.test(a) ? Date.parse(a) : Number.NaN
    const tb = INSTANT.test(b) ? Date.parse(b) : Number.NaN
    if (Number.isFinite(ta) && Number.isFinite(tb)) return movedWithClock(ta, tb, how)
    return sameWordsAndTimes(a, b, how)
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i], how))
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    return [...keys].every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], how))
  }
  return a === b || (a == null && b == null)
}

/** The call itself takes a moment: a minute either way is the same clock, the product's or the database's. */
function movedWithClock(ta: number, tb: number, how: Comparison): boolean {
  return Math.abs(tb - ta - how.ms) <= 60_000 || Math.abs(tb - ta - how.dbMs) <= 60_000
}

/**
 * Two texts the same but for the instants in them, each moved with the clock ("Not sent: appointment #8 was completed at
 * <now>"): words a call writes carry the time it ran.
 */
function sameWordsAndTimes(a: string, b: string, how: Comparison): boolean {
  const timesA = a.match(INSTANTS) ?? []
  const timesB = b.match(INSTANTS) ?? []
  if (!timesA.length || timesA.length !== timesB.length) return false
  if (a.replace(INSTANTS, '\u0000') !== b.replace(INSTANTS, '\u0000')) return false
  return timesA.every((t, i) => movedWithClock(Date.parse(t), Date.parse(timesB[i]), how))
}

/** ISO instants inside a text. */
const INSTANTS = /\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)/g

/** What sameValue allows for: the clock's shift between the two tries, records paired by kind, ids each try made afresh. */
interface Comparison {
  ms: number
  dbMs: number
  days: number
  ids: ReadonlyMap<string, string>
  fresh: { shown: ReadonlySet<string>; now: ReadonlySet<string> }
}

const DATE = /^\d{4}-\d\d-\d\d$/
const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d/

function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000)
}

function words(field: string): string {
  return field.replace(/_cents$/, '').replace(/_/g, ' ')
}

function shortValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing'
  const text = typeof v === 'string' ? v : JSON.stringify(v)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}
