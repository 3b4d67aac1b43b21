import { z } from 'zod'
import { AppError, validationError } from '../../kernel/errors.js'
import { MAX_CENTS } from '../../vocabulary/money.js'
import { auditedArchive, auditedUpdate } from '../../vocabulary/records.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { isoDate } from '../../kernel/schema-types.js'
import { loadTenantSettings } from '../settings/model.js'
import {
  assertNotArchived,
  CLOSED_STAGES,
  loadOpportunity,
  OPEN_STAGES,
  OPPORTUNITY_RECORD,
  OPPORTUNITY_TABLE,
  STAGE_PROBABILITY,
  STAGES,
} from './model.js'
import { checkLinks, contactOfLead } from './references.js'
import { lead, opportunity } from '../../vocabulary/places.js'

const title = z.string().trim().min(1).max(200).describe('A few words on the job, e.g. "Gutters and windows, 3 storeys"')
const amount = z.number().int().min(0).max(MAX_CENTS).describe('Expected value in cents of the business currency, e.g. 45000 for $450.00')
const probability = z.number().int().min(0).max(100).describe("Chance of winning in percent; default: the stage's")
const closeOn = isoDate().describe('Expected close date, local YYYY-MM-DD')

/** Opens an opportunity for a customer, a lead, or both. */
export const createOpportunity = defineAction({
  key: 'opportunity.create',
  title: 'Open an opportunity',
  place: lead("Open an opportunity (or on a customer's page)"),
  description:
    'Open a sales opportunity with contact_id and/or lead_id (a lead already converted brings its contact). title, amount_cents ' +
    `(business currency), stage (${OPEN_STAGES.join('|')}; default qualification), probability 0-100 (default per stage: ` +
    `${OPEN_STAGES.map((s) => `${s} ${STAGE_PROBABILITY[s]}`).join(', ')}), expected_close_on (local date), assignee_id (a team member).`,
  access: { agent: 'unrestricted', technician: 'none' },
  phrases: ['deal', 'opportunity', 'pipeline', 'quote request', 'sales'],
  input: z.strictObject({
    title,
    contact_id: z.uuid().optional(),
    lead_id: z.uuid().optional(),
    stage: z.enum(OPEN_STAGES).default('qualification'),
    amount_cents: amount.default(0),
    probability: probability.optional(),
    expected_close_on: closeOn.optional(),
    assignee_id: z.uuid().optional().describe('The team member working it'),
  }),
  output: OPPORTUNITY_RECORD,
  async run(ctx, input) {
    const contactId = input.contact_id ?? (input.lead_id ? await contactOfLead(ctx.db, input.lead_id) : null)
    await checkLinks(ctx.db, input, { contact_id: contactId, lead_id: input.lead_id ?? null })
    const { currency } = await loadTenantSettings(ctx.db)
    const r = await ctx.db.query<{ id: string }>(
      `insert into opportunities (tenant_id, title, contact_id, lead_id, stage, amount_cents, currency, probability, expected_close_on, assignee_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
      [
        ctx.tenantId,
        input.title,
        contactId,
        input.lead_id ?? null,
        input.stage,
        input.amount_cents,
        currency,
        input.probability ?? STAGE_PROBABILITY[input.stage],
        input.expected_close_on ?? null,
        input.assignee_id ?? null,
      ],
    )
    const after = await loadOpportunity(ctx.db, r.rows[0].id)
    await ctx.audit({ entityType: 'opportunity', entityId: after.id, action: 'create', before: null, after })
    return after
  },
})

/** Changes an opportunity's details; its stage moves with opportunity.move. */
export const updateOpportunity = defineAction({
  key: 'opportunity.update',
  title: 'Change an opportunity',
  place: opportunity('Change the details'),
  description:
    'Change an opportunity: title, amount_cents, probability, expected_close_on, assignee_id, contact_id, lead_id (null clears ' +
    'one of the last four; a contact or a lead must remain). Only the fields given change. Stage changes go through opportunity.move. ' +
    'An archived one is a CONFLICT.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    opportunity_id: z.uuid(),
    title: title.optional(),
    amount_cents: amount.optional(),
    probability: probability.optional(),
    expected_close_on: closeOn.nullable().optional(),
    assignee_id: z.uuid().nullable().optional(),
    contact_id: z.uuid().nullable().optional(),
    lead_id: z.uuid().nullable().optional(),
  }),
  output: OPPORTUNITY_RECORD,
  async run(ctx, input) {
    const before = await loadOpportunity(ctx.db, input.opportunity_id, true)
    assertNotArchived(before)
    const { opportunity_id: _id, ...changes } = input
    await checkLinks(ctx.db, changes, {
      contact_id: changes.contact_id === undefined ? before.contact_id : changes.contact_id,
      lead_id: changes.lead_id === undefined ? before.lead_id : changes.lead_id,
    })
    return auditedUpdate(ctx, OPPORTUNITY_TABLE, before, changes)
  },
})

/** Moves an opportunity to another stage: won and lost need a reason and are final until reopened. */
export const moveOpportunity = defineAction({
  key: 'opportunity.move',
  phrases: [
    'we won the deal',
    'won the job or contract',
    'we lost the deal',
    'move the deal to another stage',
    'won',
    'lost',
    'close deal',
    'stage',
    'reopen',
  ],
  title: 'Move an opportunity to won, lost or another stage',
  place: opportunity('Move to a stage'),
  description:
    `Move an opportunity to a stage (${STAGES.join('|')}). Moving to won or lost needs reason (why) and closes it (closed_at now, ` +
    'probability 100 or 0). A won or lost one moves again only with reopen: true, which clears the reason. probability overrides the new ' +
    "stage's default on an open stage. The same stage again changes nothing.",
  access: { agent: 'unrestricted', technician: 'none' },
  input: z.strictObject({
    opportunity_id: z.uuid(),
    stage: z.enum(STAGES),
    reason: noteText(500).optional().describe('Why it was won or lost; required for those'),
    probability: probability.optional(),
    reopen: z.boolean().optional().describe('true to move a won or lost opportunity'),
  }),
  output: OPPORTUNITY_RECORD,
  async run(ctx, input) {
    const before = await loadOpportunity(ctx.db, input.opportunity_id, true)
    assertNotArchived(before)
    const closing = CLOSED_STAGES.includes(input.stage)
    if (closing && !input.reason)
      throw validationError([{ field: 'data.reason', message: `is required to move to ${input.stage}: say why` }])
    if (closing && input.probability !== undefined) {
      throw validationError([
        { field: 'data.probability', message: `is fixed at ${STAGE_PROBABILITY[input.stage]} for ${input.stage}: leave it out` },
      ])
    }
    if (before.stage === input.stage && input.probability === undefined) return before
    if (CLOSED_STAGES.includes(before.stage) && !input.reopen) {
      throw new AppError(
        'CONFLICT',
        `Opportunity ${before.id} is ${before.stage}, which is final: give reopen: true to move it to ${input.stage}`,
        { from: before.stage, to: input.stage },
      )
    }
    await ctx.db.query(`update opportunities set stage = $2, probability = $3, close_reason = $4, closed_at = $5 where id = $1`, [
      before.id,
      input.stage,
      input.probability ?? STAGE_PROBABILITY[input.stage],
      closing ? input.reason : null,
      closing ? ctx.services.now() : null,
    ])
    const after = await loadOpportunity(ctx.db, before.id)
    await ctx.audit({
      entityType: 'opportunity',
      entityId: before.id,
      action: CLOSED_STAGES.includes(before.stage) ? 'reopen' : 'move',
      before,
      after,
    })
    return after
  },
})

/** Takes an opportunity opened by mistake out of the pipeline; it stays readable by id. */
export const archiveOpportunity = defineAction({
  key: 'opportunity.archive',
  title: 'Archive an opportunity',
  place: opportunity('Archive'),
  description:
    'Archive an opportunity opened by mistake or a duplicate: it leaves the pipeline and its totals but stays readable by id. ' +
    'To record a lost sale use opportunity.move to lost instead. Archiving twice changes nothing.',
  access: { agent: 'soft_limit', technician: 'none' },
  idempotent: true,
  input: z.strictObject({ opportunity_id: z.uuid() }),
  output: OPPORTUNITY_RECORD,
  async run(ctx, input) {
    const before = await loadOpportunity(ctx.db, input.opportunity_id, true)
    return auditedArchive(ctx, OPPORTUNITY_TABLE, before)
  },
})
