import { z } from 'zod'
import type { OperationContext } from '../../context.js'
import { AppError, validationError } from '../../errors.js'
import { defineAction } from '../../registry.js'
import { noteText } from '../../sanitize.js'
import { assertContact, CONTACT_LINK_RECORD, LINK_TYPES } from './model.js'

const LINK_COLUMNS = 'id, from_contact_id as contact_id, to_contact_id, link_type, note, created_at'

const linkInput = {
  contact_id: z.uuid().describe('The contact the link describes: "contact_id works_at to_contact_id"'),
  to_contact_id: z.uuid().describe('The other contact'),
  link_type: z.enum(LINK_TYPES).describe('works_at, referred_by, household (both ways) or other'),
}

/** The link between two contacts of a type; a household link is found whichever way it was made. */
async function findLink(ctx: OperationContext, input: { contact_id: string; to_contact_id: string; link_type: string }) {
  const r = await ctx.db.query(
    `select ${LINK_COLUMNS} from contact_links
     where link_type = $3 and ((from_contact_id = $1 and to_contact_id = $2) or ($3 = 'household' and from_contact_id = $2 and to_contact_id = $1))`,
    [input.contact_id, input.to_contact_id, input.link_type])
  return r.rows[0]
}

/** Both contacts' audit trails show a link made or removed. */
async function auditBothSides(ctx: OperationContext, action: 'link' | 'unlink', link: Record<string, unknown>) {
  for (const id of [link.contact_id, link.to_contact_id]) {
    await ctx.audit({ entityType: 'contact', entityId: String(id), action, before: { link: action === 'link' ? null : link },
      after: { link: action === 'link' ? link : null } })
  }
}

/** Records how two contacts relate: an employee and the company, who referred whom, a household. */
export const linkContacts = defineAction({
  domain: 'contact',
  name: 'link',
  description: 'Link two contacts: contact_id works_at | referred_by | household | other to_contact_id. Linking the same pair and '
    + 'type again changes nothing. Links show in contacts with include=links.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  keywords: ['relationship', 'referral', 'employer', 'family'],
  input: z.strictObject({ ...linkInput, note: noteText(500).optional().describe('e.g. "property manager for the building"') }),
  output: CONTACT_LINK_RECORD,
  async run(ctx, input) {
    if (input.contact_id === input.to_contact_id) {
      throw validationError([{ field: 'data.to_contact_id', message: 'must be another contact than contact_id' }])
    }
    await assertContact(ctx.db, input.contact_id)
    await assertContact(ctx.db, input.to_contact_id, 'data.to_contact_id')
    const existing = await findLink(ctx, input)
    if (existing) return existing
    const r = await ctx.db.query(
      `insert into contact_links (tenant_id, from_contact_id, to_contact_id, link_type, note) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, from_contact_id, to_contact_id, link_type) do nothing returning ${LINK_COLUMNS}`,
      [ctx.tenantId, input.contact_id, input.to_contact_id, input.link_type, input.note ?? null])
    // Made by a request running at the same moment: the link exists, which is what was asked.
    if (!r.rows[0]) return findLink(ctx, input)
    await auditBothSides(ctx, 'link', r.rows[0])
    return r.rows[0]
  },
})

/** Removes a link between two contacts. */
export const unlinkContacts = defineAction({
  domain: 'contact',
  name: 'unlink',
  description: 'Remove the link of link_type between contact_id and to_contact_id (a household link either way round).',
  access: { agent: 'unrestricted', technician: 'none' },
  input: z.strictObject(linkInput),
  output: CONTACT_LINK_RECORD.extend({ unlinked: z.literal(true) }),
  async run(ctx, input) {
    const link = await findLink(ctx, input)
    if (!link) {
      throw new AppError('NOT_FOUND', `No ${input.link_type} link from contact ${input.contact_id} to ${input.to_contact_id}`,
        { field: 'data.to_contact_id' })
    }
    await ctx.db.query('delete from contact_links where id = $1', [link.id])
    await auditBothSides(ctx, 'unlink', link)
    return { ...link, unlinked: true }
  },
})
