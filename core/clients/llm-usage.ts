import { withTenant } from '../db/tenant.js'
import type { Database } from '../db/types.js'
import type { ExtractionResult } from './llm.js'

/** Records what one model call cost the business and how it ended (ok, or the failure reason). */
export async function recordLlmUsage(
  db: Database,
  tenantId: string,
  purpose: string,
  model: string,
  result: ExtractionResult<unknown>,
): Promise<void> {
  const usage = result.usage
  await withTenant(db, { tenantId, actorType: 'system', actorId: null, requestId: `llm-${purpose}` }, (tx) =>
    tx.query(
      `insert into llm_usage (tenant_id, purpose, model, prompt_tokens, completion_tokens, outcome) values ($1, $2, $3, $4, $5, $6)`,
      [tenantId, purpose, model, usage?.prompt_tokens ?? 0, usage?.completion_tokens ?? 0, result.ok ? 'ok' : result.reason],
    ),
  )
}
