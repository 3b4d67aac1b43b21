import { z } from 'zod'
import { refreshContactLifecycles } from './lifecycle.js'
import type { CallPreview } from '../../kernel/call-preview.js'
import { businessCountry, tenantCountry } from '../../vocabulary/business-country.js'
import type { OperationContext } from '../../kernel/context.js'
import { primaryPhoneKey } from '../../vocabulary/phone.js'
import { defineAction } from '../../kernel/registry.js'
import { emitEvent } from '../../kernel/events.js'
import { loadTenantSettings } from '../settings/model.js'
import { attributeConflicts, loadMergePair, mergedFields, movingCounts, type ContactRow, type MergePreference } from './merge-plan.js'
import { moveRecords } from './merge-records.js'
import { CONTACT_COLUMNS, CONTACT_RECORD, type ContactChannel } from './model.js'
import { timestamp } from '../../kernel/output-types.js'
import { page } from '../../vocabulary/places.js'

/** The fields of a contact a merge may fill or change on the survivor, as the owner reads them. */
const SHOWN_FIELDS = [
  'kind',
  'display_name',
  'first_name',
  'last_name',
  'emails',
  'phones',
  'preferences',
  'tags',
  'source',
  'about',
  'status',
] as const

/** Merges one customer into another: all its records move to the survivor, and it stays only as a pointer to it. */
export const mergeContacts = defineAction({
  key: 'contact.merge',
  phrases: [
    'the same customer is in twice',
    'two records are one person',
    'combine duplicate customers',
    'duplicate',
    'dedupe',
    'combine customers',
    'same customer twice',
  ],
  title: 'Merge two records of one customer',
  place: page('/customers/merge', 'find both records, choose the one to keep and the duplicate, then Merge'),
  words: { phrase: 'merge two records of the same customer into one' },
  description:
    'Merge two records of the same customer. Everything of merged_id moves to survivor_id: addresses, tickets (open and ' +
    'closed), invoices with their payments, notes, attributes, scheduled messages, links, external ids (e.g. Square), leads converted ' +
    'to it and waitlist entries. Empty fields of the survivor (names, emails, phones, source, about, preferences) are filled from the ' +
    'merged one; emails, phones and tags are united. prefer (survivor|merged, default survivor) says whose value wins where both have ' +
    'one, for fields and attributes; an attribute value not kept is written in a note on the survivor. The merged contact remains ' +
    "only as a pointer (merged_into): left out of lists and search, and any call naming it is refused with the survivor's id. " +
    "Cannot be undone. Agents need the owner's authorization (the call is queued).",
  access: { agent: 'requires_authorization', technician: 'none' },
  destructive: true,
  input: z.strictObject({
    survivor_id: z.uuid().describe('The contact that remains and receives everything'),
    merged_id: z.uuid().describe('The duplicate contact, which becomes a pointer to the survivor'),
    prefer: z
      .enum(['survivor', 'merged'])
      .default('survivor')
      .describe('Whose value wins where both contacts have one (names, primary email and phone, attributes...)'),
  }),
  preview: previewMerge,
  output: z.object({
    survivor: CONTACT_RECORD,
    merged: z.object({ id: z.uuid(), display_name: z.string(), merged_into: z.uuid(), merged_at: timestamp }),
    moved: z.record(z.string(), z.number().int()),
    attribute_conflicts: z.array(
      z.object({ key: z.string(), survivor_value: z.unknown(), merged_value: z.unknown(), kept: z.enum(['survivor', 'merged']) }),
    ),
    waitlist_entries_removed: z.number().int(),
    links_removed: z.number().int(),
    conflict_note_id: z.uuid().nullable(),
  }),
  async run(ctx, input) {
    const { survivor, merged } = await loadMergePair(ctx.db, input.survivor_id, input.merged_id, true)
    const conflicts = await attributeConflicts(ctx.db, survivor.id, merged.id, input.prefer)
    // The pointer comes first: a closed ticket's customer may only move to the contact its customer was merged into.
    const pointer = await ctx.db.query(
      `update contacts set merged_into = $1, merged_at = now(), archived_at = now() where id = $2
      returning ${CONTACT_COLUMNS}`,
      [survivor.id, merged.id],
    )
    await ctx.audit({ entityType: 'contact', entityId: merged.id, action: 'merge', before: shown(merged), after: shown(pointer.rows[0]) })
    const earlier = await ctx.db.query<{ id: string }>('update contacts set merged_into = $1 where merged_into = $2 returning id', [
      survivor.id,
      merged.id,
    ])
    for (const row of earlier.rows) {
      await ctx.audit({
        entityType: 'contact',
        entityId: String(row.id),
        action: 'merge',
        before: { merged_into: merged.id },
        after: { merged_into: survivor.id },
      })
    }
    const records = await moveRecords(ctx, survivor, merged, input.prefer, conflicts)
    // The survivor's stage follows from the history it now holds; the pointer keeps the stage it had.
    await refreshContactLifecycles(ctx, [survivor.id])
    const country = await tenantCountry(ctx.db)
    const fields = mergedFields(survivor, merged, input.prefer, country)
    const r = await ctx.db.query(
      `update contacts set kind = $2, display_name = $3, first_name = $4, last_name = $5, source = $6, notes = $7,
        emails = $8, phones = $9, preferences = $10, tags = $11::text[], stripe_customer_id = $12, status = $13, custom_fields = $14,
        legal_name = $15, industry = $16, website = $17, tax_id = $18, billing_address = $19, phone_key = $20
      where id = $1 returning ${CONTACT_COLUMNS}`,
      [
        survivor.id,
        fields.kind,
        fields.display_name,
        fields.first_name,
        fields.last_name,
        fields.source,
        fields.notes,
        JSON.stringify(fields.emails),
        JSON.stringify(fields.phones),
        JSON.stringify(fields.preferences),
        fields.tags,
        fields.stripe_customer_id,
        fields.status,
        JSON.stringify(mergedCustomFields(survivor, merged, input.prefer)),
        fields.legal_name,
        fields.industry,
        fields.website,
        fields.tax_id,
        fields.billing_address === null ? null : JSON.stringify(fields.billing_address),
        primaryPhoneKey(fields.phones as ContactChannel[], country),
      ],
    )
    let after = r.rows[0]
    // A bounce belongs to an address: the survivor taking over the merged contact's primary email takes its standing too.
    if (after.email && after.email === merged.email && after.email !== survivor.email && after.email_status !== merged.email_status) {
      after = (
        await ctx.db.query(`update contacts set email_status = $2 where id = $1 returning ${CONTACT_COLUMNS}`, [
          survivor.id,
          merged.email_status,
        ])
      ).rows[0]
    }
    // As when an email is added by hand: the survivor's upcoming appointments that could not be confirmed by email now can.
    if (!survivor.email && after.email) await emitEvent(ctx, 'contact.email_added', { contact_id: survivor.id })
    await ctx.audit({
      entityType: 'contact',
      entityId: survivor.id,
      action: 'merge',
      before: { ...shown(survivor), merged_contact_id: null },
      after: { ...shown(after), merged_contact_id: merged.id },
    })
    return {
      survivor: after,
      merged: { id: merged.id, display_name: merged.display_name, merged_into: survivor.id, merged_at: pointer.rows[0].merged_at },
      ...records,
    }
  },
})

/** What the owner sees before allowing a merge: both customers, what moves, which fields change, and the values not kept. */
async function previewMerge(
  ctx: OperationContext,
  input: { survivor_id: string; merged_id: string; prefer: MergePreference },
): Promise<CallPreview> {
  const { currency, timezone } = await loadTenantSettings(ctx.db)
  const { survivor, merged } = await loadMergePair(ctx.db, input.survivor_id, input.merged_id, false)
  const counts = await movingCounts(ctx.db, merged.id)
  const moving = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`)
  const conflicts = await attributeConflicts(ctx.db, survivor.id, merged.id, input.prefer)
  const fields = mergedFields(survivor, merged, input.prefer, businessCountry(timezone))
  const next: Record<string, unknown> = { ...fields, about: fields.notes }
  const changes = SHOWN_FIELDS.filter((f) => JSON.stringify(survivor[f] ?? null) !== JSON.stringify(next[f] ?? null)).map((f) => ({
    field: f,
    before: survivor[f] ?? null,
    after: next[f] ?? null,
  }))
  const warnings = [
    ...conflicts.map(
      (c) =>
        `Attribute ${c.key}: keeps ${JSON.stringify(input.prefer === 'survivor' ? c.survivor_value : c.merged_value)}, ` +
        `the other value (${JSON.stringify(input.prefer === 'survivor' ? c.merged_value : c.survivor_value)}) is kept in a note`,
    ),
    `${merged.display_name} will remain only as a pointer to ${survivor.display_name}; a merge cannot be undone.`,
  ]
  return {
    summary: `Merge customer ${merged.display_name} into ${survivor.display_name}: ${moving.length ? moving.join(', ') : 'no records'} move to ${survivor.display_name}`,
    customer: { id: survivor.id, name: survivor.display_name },
    changes,
    warnings,
    currency,
    timezone,
  }
}

/** The columns of a contact the audit of a merge compares. */
function shown(c: Record<string, unknown> | ContactRow): Record<string, unknown> {
  const { created_at: _c, updated_at: _u, ...rest } = c as Record<string, unknown>
  return rest
}

/** The custom field values the survivor keeps: each field either contact has, the preferred one's where both do. */
function mergedCustomFields(survivor: Record<string, unknown>, merged: Record<string, unknown>, prefer: 'survivor' | 'merged') {
  const s = (survivor.custom_fields ?? {}) as Record<string, unknown>
  const m = (merged.custom_fields ?? {}) as Record<string, unknown>
  return prefer === 'survivor' ? { ...m, ...s } : { ...s, ...m }
}
