import { formatInstant } from '../../kernel/call-preview.js'
import { formatMoney } from '../../vocabulary/money.js'
import type { CallEffect, FieldChange, RecordChange } from './effect.js'

/** The most records a card lists one by one; the rest are counted. */
const MAX_LINES = 20

/** Fields a card leaves out: bookkeeping and references the record's name already says in words. */
const UNSAID = /^(id|tenant_id|created_at|updated_at|position)$|_ids?$/

/** How the card says amounts, times and people. */
interface Units {
  currency: string
  timezone: string
  people: Record<string, string>
}

/**
 * What a call does, as the owner's card shows it: a line per record it changes ("Visit #171 for Jane Smith (move day):
 * scheduled start Tue, Dec 1, 2026, 9:00 AM CST → Thu, Dec 3, 2026, 9:00 AM CST"), then the emails it queues and the
 * ones it stops, each email once with how many ("Moved email to Jane Smith <jane@example.com>; Reminder email to ... ×2").
 */
export function effectLines(effect: CallEffect, settings: { currency: string; timezone: string }): string[] {
  const units: Units = { ...settings, people: effect.people ?? {} }
  const emails = effect.changes.filter((c) => c.entity === 'scheduled_message')
  const records = effect.changes.filter((c) => c.entity !== 'scheduled_message').map((c) => changeLine(c, units))
  const lines =
    records.length <= MAX_LINES ? records : [...records.slice(0, MAX_LINES - 1), `and ${records.length - MAX_LINES + 1} more records`]
  const sent = counted(emails.filter((c) => c.made).map((c) => c.label))
  const stopped = counted(emails.filter((c) => !c.made).map((c) => `${c.label} (${c.action.replace(/_/g, ' ')})`))
  if (sent.length) lines.push(`Emails it queues: ${sent.join('; ')}`)
  if (stopped.length) lines.push(`Emails it changes or stops: ${stopped.join('; ')}`)
  return lines
}

/** Each text once, with how many times it came when more than once. */
function counted(texts: string[]): string[] {
  const counts = new Map<string, number>()
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1)
  return [...counts].map(([t, n]) => (n > 1 ? `${t} ×${n}` : t))
}

function changeLine(c: RecordChange, units: Units): string {
  const fields = Object.entries(c.fields).filter(([f]) => !UNSAID.test(f))
  if (c.made) {
    const money = fields.filter(([f, v]) => /_cents$/.test(f) && typeof v.after === 'number' && v.after !== 0)
    return `New: ${c.label}${money.length ? ` (${money.map(([f, v]) => `${words(f)} ${valueWords(f, v.after, units)}`).join(', ')})` : ''}`
  }
  const said = fields.map(([f, v]) => fieldLine(f, v, units))
  return `${c.label} (${c.action.replace(/_/g, ' ')})${said.length ? `: ${said.join('; ')}` : ''}`
}

function fieldLine(field: string, v: FieldChange, units: Units): string {
  return `${words(field)} ${valueWords(field, v.before, units)} → ${valueWords(field, v.after, units)}`
}

function words(field: string): string {
  return field.replace(/_cents$/, '').replace(/_/g, ' ')
}

/** A value as the owner reads it: money in the currency, instants on the business's clock, people and lines by name. */
function valueWords(field: string, value: unknown, units: Units): string {
  if (value === null || value === undefined || value === '') return '(none)'
  if (typeof value === 'number' && /_cents$/.test(field)) return formatMoney(value, units.currency)
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)) return formatInstant(value, units.timezone)
  if (typeof value === 'string') return units.people[value] ?? (value.length > 120 ? `"${value.slice(0, 117)}..."` : `"${value}"`)
  if (Array.isArray(value)) {
    const named = value.map((v) => (v && typeof v === 'object' ? nameOf(v as Record<string, unknown>, units) : v))
    if (named.every((n) => typeof n === 'string' || typeof n === 'number')) return named.length ? named.join(', ') : '(none)'
    return `${value.length} ${value.length === 1 ? 'item' : 'items'}`
  }
  if (typeof value === 'object') return 'changed'
  return String(value)
}

/** What an item of a list is called: its name or description, or the team member it names. */
function nameOf(item: Record<string, unknown>, units: Units): unknown {
  return item.name ?? item.description ?? (typeof item.user_id === 'string' ? units.people[item.user_id] : undefined)
}
