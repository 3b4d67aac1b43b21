/** What an action call will do, in the words and numbers an owner checks before allowing it. */
import { dateFormat } from '../text/date-format.js'
export interface CallPreview {
  /** One sentence, e.g. "Void invoice INV-2026-0004 for Jane Smith". */
  summary: string
  customer?: { id: string; name: string } | null
  /** The work or the invoice lines, each with its amount in cents. */
  lines?: Array<{ description: string; quantity: number; amount_cents: number }>
  /** The amount that matters, in cents of the business's currency, e.g. {label: "Invoice total", amount_cents: 12000}. */
  total?: { label: string; amount_cents: number } | null
  /** Moments that matter, as ISO instants; shown in the business's time zone. */
  when?: Array<{ label: string; at: string }>
  /** For an update: each field given, as it is now and as it will be. */
  changes?: Array<{ field: string; before: unknown; after: unknown }>
  /** What the owner should know, e.g. "This invoice has $50.00 of payments". */
  warnings?: string[]
  /** Numbers about the call that standing rules test, named as the action's `facts` declare them. */
  facts?: Record<string, number>
  /** Words customers will read, as they will read them: a template or an email rendered, before and after for a change. */
  texts?: Array<{ label: string; before?: string | null; after: string }>
  /** What the call does, tried against the data when it was queued: a line per record it changes (the effect the owner allows). */
  effect?: string[]
  /** Relative values of the call fixed to what they meant when it was made, e.g. {field: "data.date", from: "today", to: "2026-12-03"}. */
  bound?: Array<{ field: string; from: unknown; to: unknown }>
  /** Why the owner is asked about this call every time, so no Allow Always: each finishes "... because it ...". */
  asks_every_time?: string[]
  currency: string
  timezone: string
}

/** Each field a call gives (undefined: not given), as the record has it now and as the call sets it: a preview's changes. */
export function changesOf(current: Record<string, unknown>, given: Record<string, unknown>): NonNullable<CallPreview['changes']> {
  return Object.entries(given)
    .filter(([, after]) => after !== undefined)
    .map(([field, after]) => ({ field, before: current[field] ?? null, after }))
}

/** A number an action offers about its calls, for the owner's standing rules (e.g. "allow up to $50"). */
export interface FactDeclaration {
  /** Plain words for a rule sentence, e.g. "the invoice total". */
  label: string
  /** money: cents of the business's currency; hours: a duration in hours; count: how many (customers, records). */
  unit: 'money' | 'hours' | 'count'
}

/** A moment as the business reads it on its own clock, e.g. "Mon, Mar 2, 2026, 9:00 AM CST". */
export function formatInstant(at: Date | string, timeZone: string): string {
  return dateFormat('en-US', {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(at))
}
