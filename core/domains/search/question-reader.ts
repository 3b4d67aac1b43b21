import type { OperationContext } from '../../kernel/context.js'
import { localDate } from '../../vocabulary/time.js'
import { type SearchContext, vocabularyOf } from './context.js'
import { readByModel } from './question-model.js'
import { isQuestion, readByRules, type Reading } from './question.js'

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
 * Reads the words of a search by the rules and, when a model is configured and the search has three words or more or
 * reads as a question, by the model: its reading when it is valid, else (the model failed, was slow or answered
 * nonsense) the rules', saying why.
 */
export async function readQuestion(ctx: OperationContext, q: string, context: SearchContext): Promise<ReadQuestion> {
  const { timezone, catalog } = context
  const today = localDate(ctx.services.now(), timezone)
  const rules = await readByRules(q, today, catalog, vocabularyOf(ctx.db, context))
  const llm = ctx.services.llm
  // A name or two words ("Jane Smith") is not worth the model's time; a longer search or a question is.
  if (!llm || (q.trim().split(/\s+/).length < 3 && !isQuestion(rules))) return { reading: rules, by: 'rules' }
  const model = await readByModel(llm, ctx.db, ctx.tenantId, q, today, timezone, catalog)
  if (model.ok) return { reading: model.reading, by: 'model' }
  return { reading: rules, by: 'rules', model_note: `the model's reading was not used: ${model.why}` }
}
