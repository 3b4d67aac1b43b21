import { entityOfField } from '../../kernel/access.js'
import { formatInstant } from '../../kernel/call-preview.js'
import { dayWords } from '../../text/date-words.js'
import type { Queryable } from '../../db/types.js'
import { formatMoney } from '../../vocabulary/money.js'
import { isUuid } from '../../kernel/schema-types.js'
import { recordLabels } from './effect-labels.js'

/** How many of a list a card names one by one; the rest are counted. */
const LISTED = 5

/** The longest text a card quotes whole. */
const QUOTED = 80

/** A card's units: the business's currency and time zone. */
interface Units {
  currency: string
  timezone: string
}

/**
 * A call in the owner's words, for an action without a preview of its own: its title, then each field it gives, with
 * records by name ("Jane Smith", "Visit #171 for Jane Smith"), money in the currency, times on the business's clock and
 * lines with their amounts, e.g. 'Create a recurring invoice: customer Jane Smith; lines "Windows" $400.00; every month'.
 */
export async function callWords(db: Queryable, title: string, input: unknown, units: Units): Promise<string> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return title
  const given = Object.entries(input as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null && v !== '')
  const labels = await recordLabels(db, referencesIn(given))
  const parts = given.map(([field, value]) => fieldWords(field, value, units, labels)).filter((p): p is string => p !== null)
  return parts.length ? `${title}: ${parts.join('; ')}` : title
}

/** The records a call names by id, as recordLabels takes them. */
function referencesIn(given: ReadonlyArray<[string, unknown]>): Array<{ entity: string; id: string }> {
  return given.flatMap(([field, value]) => {
    const entity = entityOfField(field)
    if (!entity) return []
    const ids = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && isUuid(v))
    return ids.map((id) => ({ entity, id }))
  })
}

/** One field in words, or null for one that says nothing to the owner (an id no name is known for). */
function fieldWords(field: string, value: unknown, units: Units, labels: Map<string, string>): string | null {
  const entity = entityOfField(field)
  const name = words(field.replace(/_ids?$/, ''))
  if (entity) {
    const ids = Array.isArray(value) ? value : [value]
    const named = ids.map((id) => (typeof id === 'string' ? (labels.get(`${entity}:${id}`) ?? (isUuid(id) ? null : id)) : null))
    const known = named.filter((n): n is string => n !== null)
    if (!known.length) return ids.length > 1 ? `${ids.length} ${name} records` : null
    // A record's label names its kind ("Customer Jane Smith"): the field's name is said only when it says more ("to technician").
    return name === words(entity) ? listed(known) : `${name} ${listed(known)}`
  }
  const said = valueWords(field, value, units)
  return said === null ? null : `${name} ${said}`
}

/** A value as the owner reads it, or null when it says nothing in words. */
function valueWords(field: string, value: unknown, units: Units): string | null {
  if (typeof value === 'number') return /_cents$/.test(field) ? formatMoney(value, units.currency) : String(value)
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'string') {
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) && !Number.isNaN(Date.parse(value))) return formatInstant(value, units.timezone)
    if (/^\d{4}-\d\d-\d\d$/.test(value)) return dayWords(value)
    if (looksLikeId(value)) return null
    return value.length > QUOTED ? `"${value.slice(0, QUOTED - 3)}..."` : `"${value}"`
  }
  if (Array.isArray(value)) {
    if (!value.length) return null
    const items = value.map((v) =>
      v && typeof v === 'object' ? itemWords(v as Record<string, unknown>, units) : valueWords(field, v, units),
    )
    const said = items.filter((i): i is string => i !== null)
    return said.length ? listed(said) : `${value.length} ${value.length === 1 ? 'item' : 'items'}`
  }
  if (value && typeof value === 'object') return `(${itemWords(value as Record<string, unknown>, units) ?? 'given'})`
  return null
}

/** An item of a list (a line, a window, a choice): its name or description, then its amounts and other short values. */
function itemWords(item: Record<string, unknown>, units: Units): string | null {
  const title = item.description ?? item.name ?? item.label
  const rest = Object.entries(item)
    .filter(([k, v]) => v !== undefined && v !== null && v !== '' && k !== 'description' && k !== 'name' && k !== 'label')
    .map(([k, v]) => {
      const said = valueWords(k, v, units)
      return said === null ? null : /_cents$/.test(k) ? said : `${words(k)} ${said}`
    })
    .filter((p): p is string => p !== null)
  const head = typeof title === 'string' ? `"${title}"` : null
  const all = [head, ...rest].filter((p): p is string => p !== null)
  return all.length ? all.join(' ') : null
}

/** Whether a text is a record's id (not narrowed: an id is a string like any other). */
const looksLikeId = (text: string): boolean => isUuid(text)

/** The first few of a list, then how many more. */
function listed(items: readonly string[]): string {
  return items.length <= LISTED ? items.join(', ') : `${items.slice(0, LISTED).join(', ')} and ${items.length - LISTED} more`
}

/** A field's name in words: "scheduled_start" is "scheduled start", "price_cents" is "price". */
function words(field: string): string {
  return field.replace(/_cents$/, '').replace(/_/g, ' ')
}
