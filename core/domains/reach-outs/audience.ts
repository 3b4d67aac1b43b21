import type { Queryable } from '../../db/types.js'
import { SqlParams } from '../../kernel/sql.js'
import { addMonths, dayRange } from '../../vocabulary/time.js'
import { ADDRESS_OF_VISIT, CELL_OF_ADDRESS } from '../neighborhoods/cells.js'
import type { ReachOutRule } from './model.js'

/** Why a due customer gets nothing from a rule today, in the order they are judged. */
export const SKIP_REASONS = ['no_email', 'email_refused', 'opted_out', 'booked_ahead', 'reached_lately'] as const

/** One of the reasons. */
export type SkipReason = (typeof SKIP_REASONS)[number]

/** A neighborhood counts as fallen only when it had at least this many visits booked in the month a year ago. */
export const FALL_FLOOR = 3

/** A customer a rule would email today, and why they are due. */
export interface Recipient {
  contact_id: string
  name: string
  email: string
  why: string
}

/** Who a rule reaches today: the first `limit` customers (longest waiting first), how many more are due, and who is left out why. */
export interface Audience {
  recipients: Recipient[]
  /** Due and reachable, but over the day's cap: they come on a later day. */
  held_back: number
  skipped: Record<SkipReason, number>
}

/** A contact (joined as `c`) the system may email at all: not merged away, erased or archived. */
const LIVE_CONTACT = `c.merged_into is null and c.erased_at is null and c.status = 'active'`

/**
 * Why the contact (id `contact`, its row joined as `c`) gets no reach-out now, as one of SKIP_REASONS, or null. A batch
 * still waiting counts as a reach-out, except `ownBatch` (the one being sent).
 */
function skipCase(contact: string, now: string, period: string, ownBatch: string | null): string {
  return `case when coalesce(c.email, '') = '' then 'no_email'
             when c.email_status <> 'ok' then 'email_refused'
             when c.reach_out_opt_out_at is not null then 'opted_out'
             when exists (select 1 from tickets t where t.contact_id = ${contact} and t.status in ('scheduled', 'confirmed')
                          and t.scheduled_start >= ${now}) then 'booked_ahead'
             when exists (select 1 from scheduled_messages m where m.contact_id = ${contact} and m.kind = 'reach_out'
                          and m.status in ('pending', 'sent')
                          and m.send_at > ${now} - make_interval(days => ${period})
                          and m.send_at < ${now} + make_interval(days => ${period}))
               or exists (select 1 from reach_out_recipients x join reach_out_batches b on b.id = x.batch_id
                          where x.contact_id = ${contact} and b.status = 'waiting'${ownBatch ? ` and b.id <> ${ownBatch}` : ''}) then 'reached_lately'
        end`
}

/** Whether the contact (id `contact`, its row joined as `c`) may be sent a reach-out now: the same judgement as a batch's gathering. */
export function reachableNow(contact: string, now: string, period: string, ownBatch: string): string {
  return `${LIVE_CONTACT} and (${skipCase(contact, now, period, ownBatch)}) is null`
}

/** What the audience is read against: the business's day and time zone, the owner's period, now. */
export interface AudienceDay {
  day: string
  timezone: string
  periodDays: number
  now: Date
}

/**
 * The customers a rule makes due on a day, judged: merged and erased contacts never; then those without an email, whose
 * address bounced or complained, who asked for no more reach-outs, who have a visit booked ahead, or who had a
 * reach-out (from any rule, a close-out, or a batch still waiting) within the owner's period are counted and left out.
 */
export async function audienceOf(tx: Queryable, rule: ReachOutRule, on: AudienceDay, limit: number): Promise<Audience> {
  const params = new SqlParams()
  const due = dueSql(rule, on, params)
  const now = params.add(on.now.toISOString())
  const period = params.add(on.periodDays)
  const judged = `with due as (${due}),
    judged as (
      select d.contact_id, d.waited_since, d.why, c.display_name as name, c.email,
        ${skipCase('d.contact_id', `${now}::timestamptz`, `${period}::int`, null)} as skip
      from due d join contacts c on c.id = d.contact_id
      where ${LIVE_CONTACT})`
  const counts = await tx.query<{ skip: SkipReason | null; n: number }>(
    `${judged} select skip, count(*)::int as n from judged group by skip`,
    params.values,
  )
  const rows = await tx.query<Recipient>(
    `${judged} select contact_id, name, email, why from judged where skip is null
      order by waited_since nulls last, contact_id limit ${params.add(limit)}`,
    params.values,
  )
  const skipped = Object.fromEntries(SKIP_REASONS.map((s) => [s, 0])) as Record<SkipReason, number>
  let reachable = 0
  for (const c of counts.rows) {
    if (c.skip) skipped[c.skip] = c.n
    else reachable = c.n
  }
  return { recipients: rows.rows, held_back: Math.max(0, reachable - rows.rows.length), skipped }
}

/** The rule's due customers as (contact_id, waited_since, why), narrowed to its segment's members when it names one. */
function dueSql(rule: ReachOutRule, on: AudienceDay, params: SqlParams): string {
  const segment = rule.segment_id
    ? ` and exists (select 1 from segment_members sm where sm.segment_id = ${params.add(rule.segment_id)} and sm.contact_id = c.id)`
    : ''
  const day = (at: string) => `to_char(${at} at time zone ${params.add(on.timezone)}::text, 'FMMonth FMDD, YYYY')`
  switch (rule.trigger) {
    case 'no_visit':
    case 'service_due': {
      const cutoff = params.add(dayRange(addMonths(on.day, -(rule.months ?? 1)), on.timezone).start.toISOString())
      const service = rule.trigger === 'service_due' ? params.add(rule.service_id) : null
      const last = service
        ? `(select max(t.scheduled_start) from tickets t join ticket_line_items li on li.ticket_id = t.id
             where t.contact_id = c.id and t.status = 'completed' and li.service_id = ${service})`
        : `(select max(t.scheduled_start) from tickets t where t.contact_id = c.id and t.status = 'completed')`
      const what = service ? `'last ' || (select s.name from services s where s.id = ${service}) || ' '` : `'last visit '`
      return `select id as contact_id, last as waited_since, ${what} || ${day('last')} as why
        from (select c.id, ${last} as last from contacts c where true${segment}) c where last < ${cutoff}::timestamptz`
    }
    case 'neighborhood_drop': {
      const month = `${on.day.slice(0, 8)}01`
      const span = (from: string) => {
        const start = dayRange(from, on.timezone).start
        const end = dayRange(addMonths(from, 1), on.timezone).start
        return [params.add(start.toISOString()), params.add(end.toISOString())]
      }
      const [now0, now1] = span(month)
      const [then0, then1] = span(addMonths(month, -12))
      const floor = params.add(FALL_FLOOR)
      const keep = params.add(100 - (rule.drop_percent ?? 100))
      return `with booked as (
          select ${CELL_OF_ADDRESS} as cell, k.scheduled_start >= ${now0}::timestamptz as this_year
            from tickets k join addresses a on a.id = ${ADDRESS_OF_VISIT}
           where k.status not in ('cancelled')
             and ((k.scheduled_start >= ${now0}::timestamptz and k.scheduled_start < ${now1}::timestamptz)
               or (k.scheduled_start >= ${then0}::timestamptz and k.scheduled_start < ${then1}::timestamptz))),
        fell as (
          select cell, count(*) filter (where this_year)::int as now_n, count(*) filter (where not this_year)::int as then_n
            from booked group by cell
          having count(*) filter (where not this_year) >= ${floor}
             and count(*) filter (where this_year) * 100 <= count(*) filter (where not this_year) * ${keep})
        select distinct on (c.id) c.id as contact_id,
               (select max(t.scheduled_start) from tickets t where t.contact_id = c.id and t.status = 'completed') as waited_since,
               'their neighborhood (around ' || coalesce(nullif(left(trim(a.postal_code), 5), ''), a.city, 'them') || ') has '
                 || f.now_n || ' visit' || case when f.now_n = 1 then '' else 's' end || ' booked this month, against '
                 || f.then_n || ' a year ago' as why
          from fell f join addresses a on a.archived_at is null and ${CELL_OF_ADDRESS} = f.cell
          join contacts c on c.id = a.contact_id
         where exists (select 1 from tickets t where t.contact_id = c.id and t.status = 'completed')${segment}
         order by c.id`
    }
    case 'season_end': {
      const since = params.add(dayRange(addMonths(on.day, -12), on.timezone).start.toISOString())
      return `select id as contact_id, last as waited_since, 'a visit on ' || ${day('last')} as why
        from (select c.id, (select max(t.scheduled_start) from tickets t where t.contact_id = c.id and t.status = 'completed') as last
                from contacts c where true${segment}) c
       where last >= ${since}::timestamptz`
    }
  }
}

/** Whether a season-end rule fires on a day: on or after this year's date, when it has not fired since that date. */
export function seasonEndDue(rule: Pick<ReachOutRule, 'season_end' | 'last_run_on'>, day: string): boolean {
  if (!rule.season_end) return false
  const date = `${day.slice(0, 4)}-${rule.season_end}`
  return day >= date && (!rule.last_run_on || rule.last_run_on < date)
}
