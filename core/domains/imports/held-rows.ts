import type { WordsAs } from '../../text/customer-words/held-words.js'
import { heldWordsIn } from '../../text/customer-words/held-words.js'
import type { OperationContext } from '../../kernel/context.js'
import type { PlannedRow } from './square-customers.js'
import type { PlannedItem } from './square-items.js'
import type { PlannedSale } from './square-sales.js'

/** A text of an imported row that customers will read, where it stands in the file, and how it is read. */
type RowText = { line: number; field: string; text: string | null | undefined; as: WordsAs; own?: { email?: string; phone?: string } }

/** The most rows an owner's card quotes. */
const QUOTED = 3

/**
 * Why an agent's import waits for the owner every time, whatever level they set: names, addresses, service names or line
 * descriptions in it that customers will read carry words that wait for the owner (another's channel, words about paying,
 * a digit in a name), as the same words would through contact.create, service.create or ticket.create. Null when none do.
 */
async function heldInRows(ctx: OperationContext, texts: Iterable<RowText>): Promise<string | null> {
  const business = await ctx.services.consent.ownChannels(ctx, {})
  const found: string[] = []
  for (const t of texts) {
    if (!t.text?.trim()) continue
    const own = t.own
      ? { ...business, emails: [...business.emails, t.own.email ?? ''], phones: [...business.phones, t.own.phone ?? ''] }
      : business
    const [first] = heldWordsIn(t.text, own, t.as)
    if (!first) continue
    found.push(`line ${t.line}, ${t.field}: ${first.kind}, "${first.phrase}"`)
    if (found.length >= QUOTED) break
  }
  return found.length
    ? `imports words customers will read that point them at another's channel, talk about paying or put a number in a name (${found.join('; ')})`
    : null
}

/** heldInRows over the customers of an import: their names and addresses, each with their own email and phone. */
export function heldInCustomers(ctx: OperationContext, rows: PlannedRow[]): Promise<string | null> {
  return heldInRows(
    ctx,
    rows.flatMap((row) => {
      if (!('candidate' in row)) return []
      const { contact, address } = row.candidate
      const own = { email: contact.email, phone: contact.phone }
      const names: RowText[] = (['display_name', 'first_name', 'last_name'] as const).map((field) => ({
        line: row.line,
        field,
        text: contact[field],
        as: 'name',
        own,
      }))
      const lines: RowText[] = address
        ? (['line1', 'line2', 'city', 'state', 'postal_code'] as const).map((field) => ({
            line: row.line,
            field: `address ${field}`,
            text: address[field],
            as: 'words',
            own,
          }))
        : []
      return [...names, ...lines]
    }),
  )
}

/** heldInRows over the services of an item library import: their names, descriptions and units. */
export function heldInItems(ctx: OperationContext, rows: PlannedItem[]): Promise<string | null> {
  return heldInRows(
    ctx,
    rows.flatMap((row) => {
      if (!('candidate' in row)) return []
      const s = row.candidate.service as { name: string; description?: string | null; unit_name?: string | null }
      return [
        { line: row.line, field: 'name', text: s.name, as: 'name' as const },
        { line: row.line, field: 'description', text: s.description, as: 'words' as const },
        { line: row.line, field: 'unit', text: s.unit_name, as: 'name' as const },
      ]
    }),
  )
}

/** heldInRows over the past visits of a sales import: each line's description and its visit's notes. */
export function heldInSales(ctx: OperationContext, rows: PlannedSale[]): Promise<string | null> {
  return heldInRows(
    ctx,
    rows.flatMap((row) => {
      if (!('candidate' in row)) return []
      return [
        ...row.candidate.items.map((item) => ({ line: item.line, field: 'description', text: item.description, as: 'words' as const })),
        { line: row.lines[0], field: 'notes', text: row.candidate.notes, as: 'words' as const },
      ]
    }),
  )
}
