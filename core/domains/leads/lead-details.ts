import type { Queryable } from '../../db/types.js'
import { WEEKDAYS, type Weekday } from '../../vocabulary/time.js'

/** What a lead said beyond who and where they are: each kept on the customer it becomes and on the visit it books. */
export interface LeadDetails {
  /** Getting in (gate code, pets, parking): the address's access notes. */
  accessNotes: string | null
  /** When they would like the visit, as said: the customer's scheduling preferences (notes, and the day and time of day read from it). */
  preferredTimes: string | null
  /** Lines for the customer's standing notes (about): the property and what they asked for. */
  aboutLines: string[]
}

/** The details of a lead row (LEAD_COLUMNS). */
export function leadDetails(lead: Record<string, unknown>): LeadDetails {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null)
  const property = text(lead.property_details)
  const interest = text(lead.service_interest)
  return {
    accessNotes: text(lead.access_notes),
    preferredTimes: text(lead.preferred_times),
    aboutLines: [property ? `Property: ${property}` : '', interest ? `Asked for: ${interest}` : ''].filter(Boolean),
  }
}

/** The preferred times as the customer's scheduling preferences: the words kept as notes, and a day or time of day when they say one plainly. */
export function preferencesOfTimes(words: string): { notes: string; time_of_day?: 'morning' | 'afternoon'; preferred_days?: Weekday[] } {
  const prefs: { notes: string; time_of_day?: 'morning' | 'afternoon'; preferred_days?: Weekday[] } = {
    notes: `Preferred times: ${words}`,
  }
  const lower = words.toLowerCase()
  // "not Mondays", "any day but Friday": the words say what to avoid, which a list of days cannot hold; the notes keep them.
  if (/\b(not|no|except|never|avoid|but|unless)\b|n't\b/.test(lower)) return prefs
  const morning = /\bmornings?\b|\b(before|by) (noon|12)\b|\d\s*a\.?m\b/.test(lower)
  const afternoon = /\bafternoons?\b|\b(after|from) (noon|12)\b|\d\s*p\.?m\b/.test(lower)
  if (morning !== afternoon) prefs.time_of_day = morning ? 'morning' : 'afternoon'
  const days = new Set<Weekday>()
  if (/\bweekdays?\b/.test(lower)) for (const d of ['mon', 'tue', 'wed', 'thu', 'fri'] as const) days.add(d)
  if (/\bweekends?\b/.test(lower)) for (const d of ['sat', 'sun'] as const) days.add(d)
  for (const [day, pattern] of DAY_WORDS) if (pattern.test(lower)) days.add(day)
  if (days.size && days.size < 7) prefs.preferred_days = WEEKDAYS.filter((d) => days.has(d))
  return prefs
}

/** Each weekday by the words people write it with. */
const DAY_WORDS: Array<[Weekday, RegExp]> = [
  ['mon', /\bmon(day)?s?\b/],
  ['tue', /\btue(s|sday)?s?\b/],
  ['wed', /\bwed(nesday)?s?\b/],
  ['thu', /\bthu(rs?|rsday)?s?\b/],
  ['fri', /\bfri(day)?s?\b/],
  ['sat', /\bsat(urday)?s?\b/],
  ['sun', /\bsun(day)?s?\b/],
]

/** What the technician reads on the visit a lead books: everything the customer told us about the job, one line each; null when nothing. */
export function visitNotesOf(details: LeadDetails): string | null {
  const lines = [
    details.accessNotes ? `Access: ${details.accessNotes}` : '',
    details.preferredTimes ? `Preferred times: ${details.preferredTimes}` : '',
    ...details.aboutLines,
  ].filter(Boolean)
  // A visit's notes hold 5,000 characters; the longest details together may hold a few more.
  return lines.length ? `From the customer's request:\n${lines.join('\n')}`.slice(0, 5000) : null
}

/** What a lead's request-form submission holds beyond the lead: the catalog services chosen and the photo. */
export interface LeadRequest {
  serviceIds: string[]
  photo: { bytes: Buffer; contentType: string } | null
}

/** The request form's submission that made a lead, or null when the lead came another way. */
export async function leadRequestOf(tx: Queryable, leadId: string): Promise<LeadRequest | null> {
  const r = await tx.query<{ service_ids: string[]; photo: Buffer | Uint8Array | null; photo_type: string | null }>(
    'select service_ids, photo, photo_type from lead_requests where lead_id = $1',
    [leadId],
  )
  const row = r.rows[0]
  if (!row) return null
  return {
    serviceIds: row.service_ids ?? [],
    photo: row.photo && row.photo_type ? { bytes: Buffer.from(row.photo), contentType: row.photo_type } : null,
  }
}
