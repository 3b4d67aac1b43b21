// Instants come from local days in the business time zone: a visit or payment at 23:30 local on the 31st counts in that month.
/** The two periods as rows p (which, first day d0, day after d1, their instants s and e) from $1..$4 (periodBounds) and $5 (the time zone). */
export const PERIODS_CTE = `p as (
  select x.which, x.d0, x.d1, (x.d0::timestamp at time zone $5::text) as s, (x.d1::timestamp at time zone $5::text) as e
  from (values ('this', $1::date, $2::date), ('compare', $3::date, $4::date)) as x (which, d0, d1))`

/** Completed visits in a period (joined to PERIODS_CTE as p), by their scheduled start: the tickets_start index serves it. */
export const COMPLETED_VISITS = `join tickets k on k.status = 'completed' and k.scheduled_start >= p.s and k.scheduled_start < p.e`

/** A completed visit's worth: its line items before tax (zero for a visit without lines). */
export const VISIT_SALES = `left join lateral (select coalesce(sum(l.price_cents), 0) as cents from ticket_line_items l where l.ticket_id = k.id) w on true`
