import { z } from 'zod'
import { defineQuery } from '../../kernel/registry.js'
import { isoDate } from '../../kernel/schema-types.js'
import { OPEN_STAGES, STAGES, type Stage } from './model.js'

type Row = { currency: string; stage: Stage; count: number; amount_cents: number; weighted_cent_percents: number }

/** The pipeline in numbers, per currency: each stage's count and amount, and the forecast weighted by probability. */
export const pipelineTotalsQuery = defineQuery({
  type: 'pipeline_totals',
  description:
    'The sales pipeline in numbers, one record per currency (id is the currency code): stages, each {stage, count, amount_cents}, ' +
    'every stage listed; open_count and open_amount_cents (stages before won and lost); weighted_forecast_cents (the sum of amount × ' +
    'probability / 100 over open ones). close_from and close_to (local dates) count only opportunities expected to close then. ' +
    'Archived ones are left out. No record when there is no opportunity.',
  phrases: ['forecast', 'pipeline value', 'sales totals', 'weighted pipeline'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    close_from: isoDate().optional(),
    close_to: isoDate().optional(),
  }),
  record: z.object({
    id: z.string(),
    currency: z.string(),
    stages: z.array(z.object({ stage: z.enum(STAGES), count: z.number().int(), amount_cents: z.number().int() })),
    open_count: z.number().int(),
    open_amount_cents: z.number().int(),
    weighted_forecast_cents: z.number().int(),
  }),
  async run(ctx, req) {
    const r = await ctx.db.query<Row>(
      `select currency, stage, count(*)::int as count, sum(amount_cents)::bigint as amount_cents,
              sum(amount_cents::bigint * probability)::bigint as weighted_cent_percents
       from opportunities
       where archived_at is null and ($1::text is null or currency = $1)
         and ($2::date is null or expected_close_on >= $2) and ($3::date is null or expected_close_on <= $3)
       group by currency, stage order by currency`,
      [req.id ?? null, req.params.close_from ?? null, req.params.close_to ?? null],
    )
    const currencies = [...new Set(r.rows.map((row) => row.currency))]
    const open = (row: Row) => (OPEN_STAGES as readonly string[]).includes(row.stage)
    const items = currencies.map((currency) => {
      const rows = r.rows.filter((row) => row.currency === currency)
      const sum = (pick: (row: Row) => number) => rows.filter(open).reduce((total, row) => total + Number(pick(row)), 0)
      return {
        id: currency,
        currency,
        stages: STAGES.map((stage) => {
          const row = rows.find((x) => x.stage === stage)
          return { stage, count: row ? Number(row.count) : 0, amount_cents: row ? Number(row.amount_cents) : 0 }
        }),
        open_count: sum((row) => row.count),
        open_amount_cents: sum((row) => row.amount_cents),
        // Rounded once, on the whole: cents × percent summed exactly, then divided.
        weighted_forecast_cents: Math.round(sum((row) => row.weighted_cent_percents) / 100),
      }
    })
    return { items, next_cursor: null }
  },
})
