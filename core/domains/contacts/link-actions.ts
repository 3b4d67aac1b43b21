import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { refuseImpossibleLink } from './link-rules.js'
import { CONTACT_LINK_RECORD, LINK_STRENGTHS, LINK_TYPES, SYMMETRIC_LINK_TYPES } from './model.js'
import { BY_AGENT_OR_API } from '../../vocabulary/places.js'

const LINK_COLUMNS = 'id, from_contact_id as contact_id, to_contact_id, link_type, strength, note, created_at'

const linkInput = {
  contact_id: z.uuid().describe('The contact the link describes: "contact_id works_at to_contact_id"'),
  to_contact_id: z.uuid().describe('The other contact'),
  link_type: z
    .enum(LINK_TYPES)
    .describe(
      'works_at (person to organization), referred_by (contact_id was referred by to_contact_id), ' +
        'parent_company (organization to the organization owning it), household or partner (both ways), other',
    ),
}

/** The link between two contacts of a type; a household or partner link is found whichever way it was made. */
async function findLink(ctx: OperationContext, input: { contact_id: string; to_contact_id: string; link_type: string }) {
  const r = await ctx.db.query(
    `select ${LINK_COLUMNS} from contact_links
     where link_type = $3 and ((from_contact_id = $1 and to_contact_id = $2) or ($3 = any($4::text[]) and from_contact_id = $2 and to_contact_id = $1))`,
    [input.contact_id, input.to_contact_id, input.link_type, SYMMETRIC_LINK_TYPES],
  )
  return r.rows[0]
}

/** Both contacts' audit trails show a link made, changed or removed. */
async function auditBothSides(
  ctx: OperationContext,
  action: 'link' | 'unlink' | 'update_link',
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
) {
  const link = (after ?? before) as Record<string, unknown>
  for (const id of [link.contact_id, link.to_contact_id]) {
    await ctx.audit({ entityType: 'contact', entityId: String(id), action, before: { link: before }, after: { link: after } })
  }
}

/** A link found again: its strength and note changed when the call gives other ones. */
async function relink(ctx: OperationContext, existing: Record<string, unknown>, input: { strength?: string; note?: string }) {
  const strength = input.strength ?? existing.strength
  const note = input.note ?? existing.note
  if (strength === existing.strength && note === existing.note) return existing
  const r = await ctx.db.query(`update contact_links set strength = $2, note = $3 where id = $1 returning ${LINK_COLUMNS}`, [
    existing.id,
    strength,
    note,
  ])
  await auditBothSides(ctx, 'update_link', existing, r.rows[0])
  return r.rows[0]
}

/** Records how two contacts relate: an employee and the company, who referred whom, a household, companies. */
export const linkContacts = defineAction({
  key: 'contact.link',
  phrases: [
    'link a customer to a family member',
    'connect husband and wife accounts',
    'this customer referred that one',
    'works at a company',
    'relationship',
    'referral',
    'employer',
    'family',
    'subsidiary',
    'partner',
  ],
  title: 'Link two customers',
  place: BY_AGENT_OR_API,
  words: { phrase: 'link two customers (employer, referral, family, parent company)' },
  description:
    'Link two contacts: contact_id works_at | referred_by | parent_company | household | partner | other to_contact_id, ' +
    'with a strength (weak | normal | strong; default normal). works_at: a person at an organization; parent_company: both ' +
    'organizations; a one-way link cannot also be made the other way round. Linking the same pair and type again changes only ' +
    'strength and note. Links show in contacts with include=links, from both sides; referral chains in the referrals data type.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    ...linkInput,
    strength: z.enum(LINK_STRENGTHS).optional().describe('How close: weak, normal (default for a new link) or strong'),
    note: noteText(500).optional().describe('e.g. "property manager for the building"'),
  }),
  output: CONTACT_LINK_RECORD,
  async run(ctx, input) {
    await refuseImpossibleLink(ctx, input)
    const existing = await findLink(ctx, input)
    if (existing) return relink(ctx, existing, input)
    const r = await ctx.db.query(
      `insert into contact_links (tenant_id, from_contact_id, to_contact_id, link_type, strength, note) values ($1, $2, $3, $4, $5, $6)
       on conflict do nothing returning ${LINK_COLUMNS}`,
      [ctx.tenantId, input.contact_id, input.to_contact_id, input.link_type, input.strength ?? 'normal', input.note ?? null],
    )
    // Made by a request running at the same moment: the link exists, which is what was asked.
    if (!r.rows[0]) return relink(ctx, await findLink(ctx, input), input)
    await auditBothSides(ctx, 'link', null, r.rows[0])
    return r.rows[0]
  },
})

/** Removes a link between two contacts. */
export const unlinkContacts = defineAction({
  key: 'contact.unlink',
  title: 'Unlink two customers',
  place: BY_AGENT_OR_API,
  words: { phrase: 'unlink two customers' },
  description: 'Remove the link of link_type between contact_id and to_contact_id (a household or partner link either way round).',
  access: { agent: 'unrestricted', technician: 'none' },
  input: z.strictObject(linkInput),
  output: CONTACT_LINK_RECORD.extend({ unlinked: z.literal(true) }),
  async run(ctx, input) {
    const link = await findLink(ctx, input)
    if (!link) {
      throw new AppError('NOT_FOUND', `No ${input.link_type} link from contact ${input.contact_id} to ${input.to_contact_id}`, {
        field: 'data.to_contact_id',
      })
    }
    await ctx.db.query('delete from contact_links where id = $1', [link.id])
    await auditBothSides(ctx, 'unlink', link, null)
    return { ...link, unlinked: true }
  },
})
