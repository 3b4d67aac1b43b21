import { formatInstant } from '../../call-preview.js'
import { formatMoney } from '../../money.js'
import type { CallEffect, FieldChange, RecordChange } from './effect.js'

/** The most lines a card lists; the rest are counted. */
const MAX_LINES = 15

/** Fields a card leaves out: bookkeeping and references the record's name already says in words. */
const UNSAID = /^(id|tenant_id|created_at|updated_at|position)$|_ids?$/

/**
 * What a call does, one line per record, as the owner's card shows it: "Visit #171 for Jane Smith (move_day): scheduled
 * start Tue, Dec 1, 2026, 9:00 AM CST → Thu, Dec 3, 2026, 9:00 AM CST", "New: Moved email to Jane Smith <jane@example.com>".
 */
export function effectLines(effect: CallEffect, units: { currency: string; timezone: string }): string[] {
  const lines = effect.changes.map((c) => changeLine(c, units))
  if (lines.length <= MAX_LINES) return lines
  return [...lines.slice(0, MAX_LINES - 1), `and ${lines.length - MAX_LINES + 1} more changes`]
}

function changeLine(c: RecordChange, units: { currency: string; timezone: string }): string {
  const isNew = c.made === true
  const fields = Object.entries(c.fields).filter(([f]) => !UNSAID.test(f))
  if (isNew) {
    const money = fields.filter(([f, v]) => /_cents$/.test(f) && typeof v.after === 'number' && v.after !== 0)
    return `New: ${c.label}${money.length ? ` (${money.map(([f, v]) => `${words(f)} ${valueWords(f, v.after, units)}`).join(', ')})` : ''}`
  }
  const said = fields.map(([f, v]) => fieldLine(f, v, units))
  return `${c.label} (${c.action.replace(/_/g, ' ')})${said.length ? `: ${said.join('; ')}` : ''}`
}

function fieldLine(field: string, v: FieldChange, units: { currency: string; timezone: string }): string {
  return `${words(field)} ${valueWords(field, v.before, units)} → ${valueWords(field, v.after, units)}`
}

function words(field: string): string {
  return field.replace(/_cents$/, '').replace(/_/g, ' ')
}

/** A value as the owner reads it: money in the currency, instants on the business's clock, lists of people by name. */
function valueWords(field: string, value: unknown, units: { currency: string; timezone: string }): string {
  if (value === null || value === undefined || value === '') return '(none)'
  if (typeof value === 'number' && /_cents$/.test(field)) return formatMoney(value, units.currency)
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)) return formatInstant(value, units.timezone)
  if (typeof value === 'string') return value.length > 120 ? `"${value.slice(0, 117)}..."` : `"${value}"`
  if (Array.isArray(value)) {
    const named = value.map((v) =>
      v && typeof v === 'object' ? ((v as Record<string, unknown>).name ?? (v as Record<string, unknown>).description) : v,
    )
    if (named.every((n) => typeof n === 'string' || typeof n === 'number')) return named.length ? named.join(', ') : '(none)'
    return `${value.length} ${value.length === 1 ? 'item' : 'items'}`
  }
  if (typeof value === 'object') return 'changed'
  return String(value)
}
