import { z } from 'zod'
import type { LlmClient } from '../../clients/llm.js'
import type { Queryable } from '../../db/types.js'
import { isoDate } from '../../kernel/schema-types.js'
import { emptyReading, type CatalogService, type Reading } from './question.js'

/** Per attempt; the client tries twice, so a model that is down costs a search at most about twice this. */
export const MODEL_READING_TIMEOUT_MS = 1_200

const text = z.string().trim().min(1).max(100)

/** What the model must answer: the same parts the rules read, every field present (null or [] when absent). */
export const modelReadingSchema = z.strictObject({
  names: z.array(text).max(5).describe('Names of people or businesses, or other words to find in a customer record'),
  place: text.nullable().describe('Town or city, e.g. "Owens Cross Roads"'),
  postal_code: z
    .string()
    .regex(/^\d{5}$/)
    .nullable()
    .describe('Five-digit ZIP code'),
  street: text.nullable().describe('Street words without the number or suffix, e.g. "oak" for "12 Oak St"'),
  attributes: z.array(text).max(8).describe('Words about the customer or property, e.g. "elderly", "woman", "dog", "extension ladder"'),
  service: text.nullable().describe('A service name exactly as it is in the catalog'),
  from: isoDate().nullable().describe('First day of the period, YYYY-MM-DD'),
  to: isoDate().nullable().describe('Last day of the period, YYYY-MM-DD'),
})

/** The model's reading, or why it cannot be used. */
export type ModelReading = { ok: true; reading: Reading } | { ok: false; why: string }

/**
 * Asks the configured model to read a question into the same parts as the rules, given today, the time zone and the
 * catalog. The answer must fit the schema, name only a catalog service and give an ordered period, else it is not used.
 */
export async function readByModel(
  llm: LlmClient,
  tx: Queryable,
  tenantId: string,
  q: string,
  today: string,
  timeZone: string,
  catalog: CatalogService[],
): Promise<ModelReading> {
  const system = [
    "You read a search of a small service business's customers into parts. Answer JSON only, every field present.",
    `Today is ${today} (time zone ${timeZone}). Seasons: spring Mar-May, summer Jun-Aug, fall Sep-Nov, winter Dec-Feb; ` +
      '"last spring" is the latest spring already over. A period becomes from and to (inclusive).',
    `Services in the catalog: ${catalog.map((s) => s.name).join('; ') || 'none'}. service must be one of these or null.`,
    'Words like woman, man, elderly describe the customer: put them in attributes. Never guess anything from a name.',
    'Drop words that only say "customers who had" and the like.',
  ].join('\n')
  const r = await llm.extract({
    name: 'search_reading',
    schema: modelReadingSchema,
    system,
    text: q,
    tenantId,
    timeoutMs: MODEL_READING_TIMEOUT_MS,
  })
  await tx.query(
    'insert into llm_usage (tenant_id, purpose, model, prompt_tokens, completion_tokens, outcome) values ($1, $2, $3, $4, $5, $6)',
    [tenantId, 'search_reading', llm.model, r.usage?.prompt_tokens ?? 0, r.usage?.completion_tokens ?? 0, r.ok ? 'ok' : r.reason],
  )
  if (!r.ok) return { ok: false, why: `${r.reason}: ${r.message}` }
  const v = r.value
  const service = v.service ? catalog.find((s) => s.name.toLowerCase() === v.service!.toLowerCase()) : undefined
  if (v.service && !service) return { ok: false, why: `named a service not in the catalog: ${v.service}` }
  if ((v.from === null) !== (v.to === null)) return { ok: false, why: 'gave only one end of the period' }
  if (v.from && v.to && v.to < v.from) return { ok: false, why: `gave a period that ends before it starts: ${v.from} to ${v.to}` }
  const reading = emptyReading()
  reading.names = v.names
  reading.place = v.place
  reading.postal_code = v.postal_code
  reading.street = v.street
  reading.attributes = v.attributes.map((a) => a.toLowerCase())
  reading.service = service?.name ?? null
  reading.service_id = service?.id ?? null
  reading.between = v.from && v.to ? [v.from, v.to] : null
  return { ok: true, reading }
}
