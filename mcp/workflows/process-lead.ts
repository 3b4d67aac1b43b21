import { z } from 'zod'
import { businessCountry } from '../../core/vocabulary/business-country.js'
import { phoneKey, phoneSearchDigits } from '../../core/vocabulary/phone.js'
import type { Principal, Services } from '../../core/kernel/context.js'
import { addDays, localDate, weekdayOf, zonedInstant } from '../../core/vocabulary/time.js'
import type { BusinessHours } from '../../core/domains/settings/model.js'
import { defineTool } from '../tool.js'
import { recordLlmUsage } from '../../core/clients/llm-usage.js'
import { callAction, type Caller } from '../../core/kernel/call-action.js'
import { callQuery } from '../../core/kernel/call-query.js'
import { contactsQuery } from '../../core/domains/contacts/queries.js'
import { settingsQuery } from '../../core/domains/settings/queries.js'
import { createLead, updateLead } from '../../core/domains/leads/actions.js'
import { leadsQuery } from '../../core/domains/leads/queries.js'
import { validationError } from '../../core/kernel/errors.js'
import { createOpportunity } from '../../core/domains/opportunities/actions.js'

/** What the model is asked to pull out of an inquiry; null where the notes do not say. */
const leadExtraction = z.strictObject({
  name: z.string().min(1).max(200).nullable(),
  phone: z
    .string()
    .regex(/^[+()\d\s.-]{7,25}$/)
    .nullable(),
  email: z.email().max(320).nullable(),
  address: z.string().min(1).max(500).nullable(),
  service_interest: z.string().min(1).max(500).nullable(),
  urgency: z.enum(['low', 'normal', 'high']).nullable(),
  property_details: z.string().min(1).max(2000).nullable(),
  // Read as null when a model leaves them out, so an answer in the earlier shape still reads.
  access_notes: z.string().min(1).max(2000).nullable().default(null),
  preferred_times: z.string().min(1).max(500).nullable().default(null),
})
type LeadExtraction = z.infer<typeof leadExtraction>

const SYSTEM =
  "You extract a service business's sales lead from an inquiry (call notes, email or web form). Return only what the text " +
  'states: the person or business name, phone, email, service address ("line1, city, ST 12345" when given), the service wanted, ' +
  'urgency (high: wants it today or has an emergency; low: no hurry or months away; else normal), property details (size, ' +
  'floors, counts), access notes (gate code, pets, parking, keys) and preferred times (days or times of day they asked for). ' +
  'Use null for anything not stated; never invent values.'

/** The fields a caller may read from the inquiry themselves and give. */
const callerFields = {
  name: z.string().trim().min(1).max(200).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^[+()\d\s.-]{7,25}$/, 'expected a phone number, e.g. (256) 555-0142')
    .optional(),
  email: z.email().max(320).optional(),
  address: z.string().trim().min(1).max(500).optional(),
  service: z.string().trim().min(1).max(500).optional(),
  notes: z.string().trim().min(1).max(2000).optional().describe('job details'),
  access_notes: z.string().trim().min(1).max(2000).optional().describe('gate code, pets, parking'),
  preferred_times: z.string().trim().min(1).max(500).optional(),
  urgency: z.enum(['low', 'normal', 'high']).optional(),
}

/** Turns raw inquiry notes into a lead: extracted fields, a matching contact if one exists, and a follow-up reminder. */
export const processLead = defineTool({
  name: 'process_lead',
  phrases: ['a new inquiry came in', 'handle a web request'],
  title: 'Process a new lead',
  description:
    'Records an inquiry as a lead: raw_notes verbatim and the fields you read. Matches a customer by email or phone; ' +
    'missing says what it lacks. lead_id instead of raw_notes completes a lead.',
  input: {
    raw_notes: z.string().min(1).max(20_000).optional(),
    source: z.string().trim().min(1).max(100).optional().describe('e.g. phone, website'),
    lead_id: z.uuid().optional(),
    ...callerFields,
    opportunity: z.string().trim().min(1).max(200).optional().describe('its title'),
  },
  output: { lead: z.object({ id: z.string() }) },
  readOnly: false,
  async run({ services, principal, requestId }, args) {
    const given = givenFields(args)
    if (args.lead_id) {
      if (args.raw_notes !== undefined || args.source !== undefined)
        throw validationError([{ field: 'lead_id', message: 'give lead_id (and the fields read), or raw_notes and source for a new lead' }])
      return processStoredLead({ services, principal, requestId }, args.lead_id, given, args.opportunity)
    }
    if (args.source === undefined)
      throw validationError([{ field: 'source', message: 'is required (or give lead_id of a lead already made)' }])
    const rawNotes = args.raw_notes ?? notesOf(given)
    if (rawNotes === undefined) {
      throw validationError([
        { field: 'raw_notes', message: 'give raw_notes (the inquiry as received) or the fields read from it (name, phone, email, ...)' },
      ])
    }
    const extraction = await extract(services, principal, rawNotes, given)
    const fields = { ...(extraction.status === 'ok' ? nonNull(extraction.fields) : {}), ...given }
    const settings = await tenantSettings(services, principal, requestId)
    const reminderAt = followUpAt(services.now(), settings.timezone, settings.business_hours, fields.urgency ?? null)
    const data: Record<string, unknown> = { raw_notes: rawNotes, source: args.source, reminder_at: reminderAt.toISOString(), ...fields }
    const matched = await matchContacts(services, principal, requestId, fields)
    // The fields the model read are added by name, so the input is assembled as a plain record.
    const outcome = await callAction({ services, principal, requestId }, createLead, data as z.input<typeof createLead.input>)
    // A sale worth following (a quote asked for): opened on the new lead, in the pipeline's first stage.
    const leadId = outcome.result && 'id' in outcome.result ? outcome.result.id : null
    const opportunity =
      args.opportunity && leadId
        ? (await callAction({ services, principal, requestId }, createOpportunity, { title: args.opportunity, lead_id: leadId })).result
        : undefined
    return {
      lead: outcome.result,
      ...(opportunity ? { opportunity } : {}),
      extraction: extraction.status === 'ok' ? { status: 'ok' } : extraction,
      matched_contacts: matched,
      ...stillMissing(outcome.result as Record<string, unknown>, leadId),
    }
  },
})

/** The caller's fields under the lead's names. */
function givenFields(args: { [K in keyof typeof callerFields]?: string }): Partial<LeadExtraction> {
  const out: Partial<LeadExtraction> = {}
  if (args.name) out.name = args.name
  if (args.phone) out.phone = args.phone
  if (args.email) out.email = args.email
  if (args.address) out.address = args.address
  if (args.service) out.service_interest = args.service
  if (args.notes) out.property_details = args.notes
  if (args.urgency) out.urgency = args.urgency as LeadExtraction['urgency']
  if (args.access_notes) out.access_notes = args.access_notes
  if (args.preferred_times) out.preferred_times = args.preferred_times
  return out
}

/** Raw notes made of the caller's fields when they gave no text as received; undefined when they gave nothing. */
function notesOf(given: Partial<LeadExtraction>): string | undefined {
  const parts = Object.values(given).filter((v): v is string => typeof v === 'string' && v !== '')
  return parts.length ? parts.join('; ') : undefined
}

function nonNull(fields: LeadExtraction): Partial<LeadExtraction> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)) as Partial<LeadExtraction>
}

/** What a lead still lacks to be followed up and booked, and the call that adds it. */
function stillMissing(lead: Record<string, unknown>, leadId: string | null): Record<string, unknown> {
  if (!leadId) return {}
  const missing = [
    ...(lead.name ? [] : ['name']),
    ...(lead.phone || lead.email ? [] : ['phone or email']),
    ...(lead.address ? [] : ['address']),
    ...(lead.service_interest ? [] : ['service']),
  ]
  if (!missing.length) return { missing: [] }
  return {
    missing,
    next:
      `read ${missing.join(', ')} from the inquiry if it says them and call process_lead with lead_id "${leadId}" and those fields; ` +
      'what it does not say, ask the customer when following up',
  }
}

/** Reads a lead already made: the extracted fields it lacks are filled, its own values and reminder kept. */
async function processStoredLead(caller: Caller, leadId: string, given: Partial<LeadExtraction>, opportunityTitle: string | undefined) {
  const { services, principal, requestId } = caller
  const lead = await callQuery(caller, leadsQuery, { id: leadId })
  const extraction = await extract(services, principal, lead.raw_notes, given)
  const fields = extraction.status === 'ok' ? nonNull(extraction.fields) : {}
  const data: Record<string, unknown> = { lead_id: leadId }
  for (const [key, value] of Object.entries(fields)) if (lead[key as keyof typeof lead] === null) data[key] = value
  Object.assign(data, given)
  if (!lead.reminder_at) {
    const settings = await tenantSettings(services, principal, requestId)
    const urgency = (data.urgency ?? lead.urgency ?? null) as LeadExtraction['urgency']
    data.reminder_at = followUpAt(services.now(), settings.timezone, settings.business_hours, urgency).toISOString()
  }
  const updated = (await callAction(caller, updateLead, data as z.input<typeof updateLead.input>)).result
  const known = { ...lead, ...data } as LeadExtraction
  const matched = await matchContacts(services, principal, requestId, known)
  const opportunity = opportunityTitle
    ? (await callAction(caller, createOpportunity, { title: opportunityTitle, lead_id: leadId })).result
    : undefined
  return {
    lead: updated,
    ...(opportunity ? { opportunity } : {}),
    extraction: extraction.status === 'ok' ? { status: 'ok' } : extraction,
    matched_contacts: matched,
    ...stillMissing(updated as Record<string, unknown>, leadId),
  }
}

type Extraction =
  | { status: 'ok'; fields: LeadExtraction }
  | { status: 'off' | 'failed'; message: string }
  | { status: 'not_needed'; message: string }

/** The model's reading of the notes, unless the caller gave every field or no model is configured. */
async function extract(services: Services, principal: Principal, notes: string, given: Partial<LeadExtraction>): Promise<Extraction> {
  if (given.name && (given.phone || given.email) && given.address && given.service_interest)
    return { status: 'not_needed', message: 'the fields were given' }
  if (!services.llm) {
    return {
      status: 'off',
      message: Object.keys(given).length
        ? 'no model is configured here: the lead has the fields given and the raw notes'
        : 'extraction is off (no model configured): the lead has the raw notes only; read the fields yourself and give them',
    }
  }
  const r = await services.llm.extract({ name: 'lead', schema: leadExtraction, system: SYSTEM, text: notes, tenantId: principal.tenantId })
  await recordLlmUsage(services.db, principal.tenantId, 'lead_extraction', services.llm.model, r)
  if (r.ok) return { status: 'ok', fields: r.value }
  return { status: 'failed', message: `extraction failed (${r.reason}): ${r.message}; the lead has the raw notes only` }
}

async function tenantSettings(
  services: Services,
  principal: Principal,
  requestId: string,
): Promise<{ timezone: string; business_hours: Partial<BusinessHours> }> {
  return (await callQuery({ services, principal, requestId }, settingsQuery)).items[0]
}

/** Contacts with the extracted email or phone, each once. */
async function matchContacts(services: Services, principal: Principal, requestId: string, fields: Partial<LeadExtraction>) {
  const found = new Map<string, { id: string; display_name: string; email: string | null; phone: string | null }>()
  const country = fields.phone ? businessCountry((await tenantSettings(services, principal, requestId)).timezone) : undefined
  const key = phoneKey(fields.phone ?? '', country)
  for (const q of [fields.email, key.length >= 7 ? phoneSearchDigits(fields.phone ?? '', country) : null]) {
    if (!q) continue
    const page = await callQuery({ services, principal, requestId }, contactsQuery, { params: { q }, limit: 5 })
    for (const c of page.items) {
      const sameEmail = fields.email && c.email?.toLowerCase() === fields.email.toLowerCase()
      const samePhone = key && phoneKey(c.phone ?? '', country) === key
      if (sameEmail || samePhone) found.set(c.id, { id: c.id, display_name: c.display_name, email: c.email, phone: c.phone })
    }
  }
  return [...found.values()]
}

/** When to call back: soon for urgent leads, else 09:00 on a coming business day in the business's zone. */
export function followUpAt(now: Date, timeZone: string, hours: Partial<BusinessHours>, urgency: 'low' | 'normal' | 'high' | null): Date {
  if (urgency === 'high') return new Date(now.getTime() + 60 * 60 * 1000)
  let wanted = urgency === 'low' ? 2 : 1
  let date = localDate(now, timeZone)
  const open = Object.values(hours ?? {}).some((h) => h.length)
  for (let i = 0; i < 14; i++) {
    date = addDays(date, 1)
    const day = weekdayOf(date)
    const isBusinessDay = open ? (hours[day]?.length ?? 0) > 0 : day !== 'sat' && day !== 'sun'
    if (isBusinessDay && --wanted === 0) break
  }
  return zonedInstant(date, '09:00', timeZone)
}
