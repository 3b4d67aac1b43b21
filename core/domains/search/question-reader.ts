import type { OperationContext } from '../../context.js'
import { localDate } from '../../time.js'
import { readByModel } from './question-model.js'
import { readByRules, type CatalogService, type Reading } from './question.js'

/** A reading and what made it: the configured model, or the rules (with why the model's was not used, if it was asked). */
export interface ReadQuestion {
  reading: Reading
  by: 'model' | 'rules'
  model_note?: string
}

/** The reading as an answer shows it: only the parts that were read. */
export function readingShown(r: Reading): Record<string, unknown> {
  const shown: Record<string, unknown> = {}
  if (r.names.length) shown.names = r.names
  if (r.place) shown.place = r.place
  if (r.postal_code) shown.postal_code = r.postal_code
  if (r.street) shown.street = r.street
  if (r.attributes.length) shown.attributes = r.attributes
  if (r.service) shown.service = r.service
  if (r.between) shown.between = r.between
  return shown
}

/**
 * Reads the words of a search: by the model when one is configured and there are two or more words (its reading when
 * it is valid), otherwise, or when the model fails, is slow or answers nonsense, by the rules.
 */
export async function readQuestion(ctx: OperationContext, q: string): Promise<ReadQuestion> {
  const r = await ctx.db.query<{ timezone: string; catalog: CatalogService[] }>(
    `select t.timezone, coalesce((select json_agg(json_build_object('id', s.id, 'name', s.name) order by s.name)
       from services s where s.status = 'active'), '[]') as catalog
     from tenants t where t.id = app_tenant()`)
  const { timezone, catalog } = r.rows[0]
  const today = localDate(ctx.services.now(), timezone)
  const llm = ctx.services.llm
  let model_note: string | undefined
  if (llm && q.trim().split(/\s+/).length >= 2) {
    const model = await readByModel(llm, ctx.db, ctx.tenantId, q, today, timezone, catalog)
    if (model.ok) return { reading: model.reading, by: 'model' }
    model_note = `the model's reading was not used: ${model.why}`
  }
  return { reading: await readByRules(ctx.db, q, today, catalog), by: 'rules', ...(model_note ? { model_note } : {}) }
}
