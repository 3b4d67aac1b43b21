import { z } from 'zod'
import { callWithin } from '../../kernel/call-within.js'
import type { Services } from '../../kernel/context.js'
import { withSignInLookup, withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import type { FieldIssue } from '../../kernel/errors.js'
import { contextOf } from '../../kernel/operations-context.js'
import { redactSensitive } from '../../kernel/redact.js'
import { localDate } from '../../vocabulary/time.js'
import { checkContent, PICTURE_TYPES } from '../documents/content.js'
import { createLead } from './actions.js'
import { matchContact } from './match-contact.js'
import { checkStamp, countBlocked, countSubmission, requestStamp } from './request-checks.js'

/** The largest photo a request may carry: a phone's photo, not a video. */
export const REQUEST_PHOTO_MAX_BYTES = 8 * 1024 * 1024

/** The photo types a request takes: what phones take pictures in. */
const PHOTO_TYPES = [...PICTURE_TYPES, 'image/heic']

/** A request page's business, what it offers and the time stamp of this showing. */
export interface RequestPage {
  businessName: string
  services: Array<{ id: string; name: string }>
  stamp: string
}

/** What a person typed into the request form (each as sent, trimmed) and the photo they chose, if any. */
export interface RequestTyped {
  name: string
  email: string
  phone: string
  address: string
  service_ids: string[]
  need: string
  preferred_times: string
  notes: string
  /** The honeypot: a field people never see, so never fill in. */
  website: string
  stamp: string
  photo?: { bytes: Buffer; contentType: string }
  /** The box "Text me about my visits" was ticked: the customer's consent to visit texts, kept with the request. */
  texts?: boolean
}

/**
 * What became of a submission. `check`: the form comes back to be sent again (a copy pasted before the pasted form had
 * its stamp, an old page, sent too fast), with what its fields still lack.
 */
export type RequestOutcome =
  | { kind: 'made'; leadId: string }
  | { kind: 'dropped' }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'check'; why: 'missing' | 'too_fast' | 'expired' | 'bad_stamp'; issues: FieldIssue[]; page: RequestPage }
  | { kind: 'invalid'; issues: FieldIssue[]; page: RequestPage }

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`)

/** The form's fields as the lead takes them; an empty field is ''. */
const requestFields = z
  .object({
    name: text(200).min(1, 'tell us your name'),
    email: z.union([z.literal(''), z.email('expected an email address such as jane@example.com').max(320)]),
    phone: z.union([z.literal(''), z.string().regex(/^[+()\d\s.-]{7,25}$/, 'expected a phone number such as (256) 555-0142')]),
    address: text(500).min(1, 'tell us where the work is'),
    service_ids: z.array(z.uuid('choose from the list')).max(20),
    need: text(2000),
    preferred_times: text(500),
    notes: text(4000),
  })
  .superRefine((v, ctx) => {
    if (!v.email && !v.phone) ctx.addIssue({ code: 'custom', path: ['email'], message: 'give an email address or a phone number' })
    if (!v.service_ids.length && !v.need) ctx.addIssue({ code: 'custom', path: ['need'], message: 'choose a service or say what you need' })
  })

/** The business whose request page this is, by the page's slug alone; null when no business has it. */
export async function requestPageTenant(services: Services, slug: string): Promise<string | null> {
  if (!/^[a-z0-9-]{1,40}$/.test(slug)) return null
  return withSignInLookup(
    services.db,
    { requestSlug: slug },
    async (tx) => (await tx.query<{ id: string }>('select id from tenants where request_slug = $1', [slug])).rows[0]?.id ?? null,
  )
}

/** The request page of a business: its name, the services it offers on the form and a fresh time stamp. */
export async function requestPage(services: Services, tenantId: string): Promise<RequestPage> {
  return withTenant(services.db, { tenantId, actorType: 'system' }, (tx) => pageOf(tx, services, tenantId), { readOnly: true })
}

async function pageOf(tx: Queryable, services: Services, tenantId: string): Promise<RequestPage> {
  const b = await tx.query<{ name: string; key: string }>('select name, request_form_key::text as key from tenants where id = app_tenant()')
  const offered = await tx.query<{ id: string; name: string }>(
    `select id, name from services where bookable and status = 'active' order by lower(name), id`,
  )
  return { businessName: b.rows[0].name, services: offered.rows, stamp: requestStamp(b.rows[0].key, tenantId, services.now().getTime()) }
}

/**
 * Takes one submission of the request form. First the checks, whose only trace is a count the owner reads: the address's
 * and the business's hourly limits (counted for every submission), the honeypot (answered as if sent, so a bot learns
 * nothing), and the signed time stamp (a form sent within seconds of its page, or with a stamp not ours, is counted and
 * comes back to be sent again; a form without one, or a day-old page, comes back uncounted; the business's pasted form
 * carries a stamp of its own and goes on). Then the fields, and
 * a lead with the request as its raw notes, due for an answer now, beside the request's services, times, photo and the
 * customer whose email or phone it gave.
 */
export async function submitRequest(
  services: Services,
  tenantId: string,
  slug: string,
  typed: RequestTyped,
  clientAddress: string,
  requestId: string,
): Promise<RequestOutcome> {
  const scope = { tenantId, actorType: 'system' as const, requestId }
  const checked = await withTenant(services.db, scope, async (tx): Promise<RequestOutcome | 'ok' | 'pasted'> => {
    const now = services.now()
    const b = await tx.query<{ key: string; timezone: string }>(
      'select request_form_key::text as key, timezone from tenants where id = app_tenant()',
    )
    const day = localDate(now, b.rows[0].timezone)
    const wait = await countSubmission(tx, clientAddress, now)
    if (wait !== null) {
      await countBlocked(tx, day, 'rate_limited')
      return { kind: 'rate_limited', retryAfterSeconds: wait }
    }
    if (typed.website) {
      await countBlocked(tx, day, 'honeypot')
      return { kind: 'dropped' }
    }
    const stamp = checkStamp(b.rows[0].key, tenantId, typed.stamp, now.getTime())
    if (stamp === 'ok' || stamp === 'pasted') return stamp
    if (stamp === 'too_fast' || stamp === 'bad_stamp') await countBlocked(tx, day, stamp)
    return { kind: 'check', why: stamp, issues: fieldIssues(requestFields.safeParse(typed)), page: await pageOf(tx, services, tenantId) }
  })
  if (checked !== 'ok' && checked !== 'pasted') return checked
  const fromSite = checked === 'pasted'
  const parsed = requestFields.safeParse(typed)
  const issues = fieldIssues(parsed)
  let photo: { bytes: Buffer; contentType: string } | null = null
  if (typed.photo?.bytes.length) {
    try {
      const c = checkContent(typed.photo.bytes.toString('base64'), typed.photo.contentType, REQUEST_PHOTO_MAX_BYTES, 'photo')
      if (PHOTO_TYPES.includes(c.contentType)) photo = c
      else issues.push({ field: 'photo', message: 'send a photo (JPEG, PNG, WebP or HEIC)' })
    } catch {
      issues.push({ field: 'photo', message: 'send a photo (JPEG, PNG, WebP or HEIC) of at most 8 MB' })
    }
  }
  if (!parsed.success || issues.length) return { kind: 'invalid', issues, page: await requestPage(services, tenantId) }
  return withTenant(services.db, scope, async (tx) => {
    const fields = parsed.data
    const offered = await tx.query<{ id: string; name: string }>(
      `select id, name from services where bookable and status = 'active' and id = any($1::uuid[]) order by lower(name)`,
      [fields.service_ids],
    )
    if (offered.rows.length !== new Set(fields.service_ids).size) {
      return {
        kind: 'invalid',
        issues: [{ field: 'service_ids', message: 'choose from the list' }],
        page: await pageOf(tx, services, tenantId),
      }
    }
    const wants = [offered.rows.map((s) => s.name).join(', '), fields.need].filter(Boolean).join('; ')
    const at = services.now()
    const notes = [
      `Request from ${fromSite ? "the form on the business's own site, sent to" : 'the request page'} /r/${slug}, ${at.toISOString()}`,
      `Name: ${fields.name}`,
      fields.email ? `Email: ${fields.email}` : '',
      fields.phone ? `Phone: ${fields.phone}` : '',
      `Address: ${fields.address}`,
      `Wants: ${wants}`,
      fields.preferred_times ? `Preferred days and times: ${fields.preferred_times}` : '',
      fields.notes ? `Notes: ${fields.notes}` : '',
      photo ? 'Photo: attached (data type lead_requests)' : '',
      typed.texts && fields.phone ? 'Texts: agreed on the form to texts about their visits' : '',
    ]
      .filter(Boolean)
      .join('\n')
    const ctx = contextOf(services, { tenantId, actor: { type: 'system', id: null } }, tx, requestId, null, () => {})
    const lead = (await callWithin(ctx, createLead, {
      raw_notes: notes,
      name: fields.name,
      ...(fields.email ? { email: fields.email } : {}),
      ...(fields.phone ? { phone: fields.phone } : {}),
      address: fields.address,
      service_interest: clipped(wants, 500),
      // The form's notes ask for the gate code, pets and parking: how to get in, kept on the address once a customer.
      ...(fields.notes ? { access_notes: clipped(fields.notes, 2000) } : {}),
      ...(fields.preferred_times ? { preferred_times: fields.preferred_times } : {}),
      source: 'request form',
      // Due at once: the day's briefing names it among the leads to answer.
      reminder_at: at.toISOString(),
    })) as { id: string }
    const match = await matchContact(tx, fields.email || null, fields.phone || null)
    await tx.query(
      `insert into lead_requests (tenant_id, lead_id, contact_id, service_ids, preferred_times, photo, photo_type, texts_agreed_at)
       values (app_tenant(), $1, $2, $3, $4, $5, $6, $7)`,
      [
        lead.id,
        match?.contact.id ?? null,
        offered.rows.map((s) => s.id),
        fields.preferred_times ? redactSensitive(fields.preferred_times).text : null,
        photo?.bytes ?? null,
        photo?.contentType ?? null,
        // Consent to texts needs a number to text.
        typed.texts && fields.phone ? at : null,
      ],
    )
    return { kind: 'made', leadId: lead.id }
  })
}

/** What a parse of the form's fields found wrong, field by field. */
function fieldIssues(parsed: ReturnType<typeof requestFields.safeParse>): FieldIssue[] {
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? ''), message: i.message }))
}

/** Text cut to size at a word's end. */
function clipped(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1).trimEnd()}…`
}
