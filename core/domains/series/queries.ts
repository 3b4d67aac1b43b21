import { z } from 'zod'
import { listPage, oldestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { SERIES_COLUMNS, SERIES_RECORD, type SeriesRow, seriesView } from './model.js'
import { auditTrailExpansion } from '../../kernel/output-types.js'

/** Recurring appointments by id, or listed by customer and status, each with its next visits. */
export const seriesQuery = defineQuery({
  type: 'series',
  description:
    'Recurring appointments (series), oldest first. Each: id, contact_id, address_id, rule (RFC 5545 RRULE), start_date and ' +
    'start_time (first visit, local wall time in time_zone), duration_minutes, technician_ids, line_items (the work of each visit), ' +
    'notes, status (active|paused|ended), paused_until, ends_on (first day without visits), skipped_dates (occurrences skipped ' +
    'before they were booked), generated_through (visits are booked up to this day), previous_series_id (the series this one ' +
    'continues after a change of this and future visits), next_visits [{id, number, scheduled_start, scheduled_end, status, ' +
    'confirmation_status, series_occurrence}] (up to 3). Visits are tickets: the tickets data type shows series_id on each. ' +
    'Filters: contact_id, status.',
  entity: 'series',
  phrases: ['recurring', 'repeat', 'regular visits', 'schedule'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    contact_id: z.uuid().optional(),
    status: z.enum(['active', 'paused', 'ended']).optional(),
  }),
  record: SERIES_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const p = req.params
    const args: unknown[] = [req.id ?? null, p.contact_id ?? null, p.status ?? null]
    const page = await listPage(ctx.db, req, oldestFirst(), args, {
      columns: SERIES_COLUMNS,
      from: 'series',
      where: `($1::uuid is null or id = $1) and ($2::uuid is null or contact_id = $2) and ($3::text is null or status = $3)`,
    })
    const now = ctx.services.now()
    const items = []
    for (const { _sort_at: _, ...row } of page.items) items.push(await seriesView(ctx.db, row as SeriesRow, now))
    return { items, next_cursor: page.next_cursor }
  },
})
