import { z } from 'zod'
import { AppError } from '../../kernel/errors.js'
import { page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { isoDate } from '../../kernel/schema-types.js'
import { localDate } from '../../vocabulary/time.js'
import { lockContact } from '../contacts/model.js'
import { loadTenantSettings } from '../settings/model.js'

/** What a partner is to the business: sends it customers, gives it jobs to do, or does jobs for it. */
export const PARTNER_ROLES = ['referrer', 'contractor', 'subcontractor'] as const

/** Makes an organization a partner of the business (what it is to it, since when, a note), or no longer one. */
export const setPartner = defineAction({
  key: 'partner.set',
  example: { contact_id: '00000000-0000-4000-8000-000000000001', roles: ['referrer'], note: 'Property manager; sends us her buildings' },
  phrases: ['they send us customers', 'mark them as a referral partner', 'we subcontract gutter work to them'],
  title: 'Mark a partner',
  place: page('/partners', 'find the organization, then Save'),
  words: { phrase: 'mark the organizations that send work or do work for the business' },
  description:
    'Make an organization (a contact of kind organization) a partner: roles, any of referrer (sends us customers), contractor ' +
    '(gives us jobs to do) and subcontractor (does jobs for us); empty roles: no longer a partner. since (YYYY-MM-DD, default ' +
    'today, kept from the first time) and a note. The partners data type lists them with the referrals they brought.',
  access: { agent: 'unrestricted', technician: 'none' },
  idempotent: true,
  input: z.strictObject({
    contact_id: z.uuid(),
    roles: z.array(z.enum(PARTNER_ROLES)).max(3).describe('Empty: no longer a partner'),
    since: isoDate().optional(),
    note: noteText(2000, { allowEmpty: true }).nullable().optional(),
  }),
  output: z.object({
    contact_id: z.uuid(),
    roles: z.array(z.enum(PARTNER_ROLES)),
    since: z.iso.date().nullable(),
    note: z.string().nullable(),
  }),
  async run(ctx, input) {
    const contact = await lockContact(ctx.db, input.contact_id)
    if (contact.kind !== 'organization') {
      throw new AppError(
        'CONFLICT',
        `${contact.display_name} is a person: a partner is an organization (a company the business works with)`,
        {
          field: 'data.contact_id',
        },
      )
    }
    const roles = [...new Set(input.roles)].sort()
    const before = (
      await ctx.db.query<{ roles: string[]; since: string | null; note: string | null }>(
        `select partner_roles as roles, partner_since::text as since, partner_note as note from contacts where id = $1`,
        [input.contact_id],
      )
    ).rows[0]
    const today = localDate(ctx.services.now(), (await loadTenantSettings(ctx.db)).timezone)
    const since = roles.length ? (input.since ?? before.since ?? today) : null
    const note = roles.length ? (input.note === undefined ? before.note : input.note || null) : null
    const after = (
      await ctx.db.query<{ roles: string[]; since: string | null; note: string | null }>(
        `update contacts set partner_roles = $2, partner_since = $3, partner_note = $4 where id = $1
         returning partner_roles as roles, partner_since::text as since, partner_note as note`,
        [input.contact_id, roles, since, note],
      )
    ).rows[0]
    if (JSON.stringify(before) !== JSON.stringify(after))
      await ctx.audit({
        entityType: 'contact',
        entityId: input.contact_id,
        action: 'update',
        before: { partner: before },
        after: { partner: after },
      })
    return {
      contact_id: input.contact_id,
      roles: after.roles as Array<(typeof PARTNER_ROLES)[number]>,
      since: after.since,
      note: after.note,
    }
  },
})
