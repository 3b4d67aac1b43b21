import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { AppError, notFound } from '../../kernel/errors.js'
import { calendarDay, timestamp } from '../../kernel/output-types.js'
import type { RecordKind } from '../../vocabulary/records.js'

/** The stages an opportunity moves through, in order; won and lost close it. */
export const STAGES = ['qualification', 'estimating', 'proposal_sent', 'negotiating', 'scheduled', 'won', 'lost'] as const

/** One stage. */
export type Stage = (typeof STAGES)[number]

/** The stages of an opportunity still being worked. */
export const OPEN_STAGES = ['qualification', 'estimating', 'proposal_sent', 'negotiating', 'scheduled'] as const

/** The stages that close an opportunity: final until it is reopened on purpose. */
export const CLOSED_STAGES: readonly Stage[] = ['won', 'lost']

/** The chance of winning, in percent, an opportunity gets on reaching a stage unless one is given. */
export const STAGE_PROBABILITY: Record<Stage, number> = {
  qualification: 10,
  estimating: 25,
  proposal_sent: 50,
  negotiating: 70,
  scheduled: 90,
  won: 100,
  lost: 0,
}

/** A stage as a person reads it: "proposal sent". */
export function stageLabel(stage: string): string {
  return stage.replace(/_/g, ' ')
}

/** The columns of an opportunity as the API shows it, with the names of its contact, lead and assignee. */
export const OPPORTUNITY_COLUMNS = `o.id, o.title, o.contact_id, o.lead_id, o.stage, o.amount_cents, o.currency, o.probability,
  o.expected_close_on, o.assignee_id, o.close_reason, o.closed_at, o.archived_at, o.created_at, o.updated_at,
  (select c.display_name from contacts c where c.id = o.contact_id) as contact_name,
  (select l.name from leads l where l.id = o.lead_id) as lead_name,
  (select u.name from users u where u.id = o.assignee_id) as assignee_name`

/** Where opportunities live (as o, which OPPORTUNITY_COLUMNS names), for the records helper. */
export const OPPORTUNITY_TABLE: RecordKind = { table: 'opportunities o', columns: OPPORTUNITY_COLUMNS, entity: 'opportunity' }

/** An opportunity as the API shows it (OPPORTUNITY_COLUMNS). */
export const OPPORTUNITY_RECORD = z.object({
  id: z.uuid(),
  title: z.string(),
  contact_id: z.uuid().nullable(),
  lead_id: z.uuid().nullable(),
  stage: z.enum(STAGES),
  amount_cents: z.number().int(),
  currency: z.string(),
  probability: z.number().int(),
  expected_close_on: calendarDay.nullable(),
  assignee_id: z.uuid().nullable(),
  close_reason: z.string().nullable(),
  closed_at: timestamp.nullable(),
  archived_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  contact_name: z.string().nullable(),
  lead_name: z.string().nullable(),
  assignee_name: z.string().nullable(),
})

/** An opportunity as stored and shown. */
export type Opportunity = z.output<typeof OPPORTUNITY_RECORD>

/** One opportunity, locked for a change when asked; NOT_FOUND when there is none. */
export async function loadOpportunity(tx: Queryable, id: string, lock = false): Promise<Opportunity> {
  const r = await tx.query(`select ${OPPORTUNITY_COLUMNS} from opportunities o where o.id = $1 ${lock ? 'for update of o' : ''}`, [id])
  if (!r.rows[0]) throw notFound('opportunity', id)
  return r.rows[0] as Opportunity
}

/** Refuses a change to an archived opportunity. */
export function assertNotArchived(o: Opportunity): void {
  if (o.archived_at) throw new AppError('CONFLICT', `Opportunity ${o.id} is archived; it can no longer change`, { opportunity_id: o.id })
}
