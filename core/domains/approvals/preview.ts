import type { CallPreview } from '../../call-preview.js'
import type { OperationContext } from '../../context.js'
import { loadTenantSettings } from '../settings/model.js'
import type { ActionDefinition } from '../../registry.js'

/** The call's preview from its action, or for an action without one, its first sentence and the business's units. */
export async function previewCall(ctx: OperationContext, def: ActionDefinition, input: unknown): Promise<CallPreview> {
  if (def.preview) return def.preview(ctx, input as never)
  const settings = await loadTenantSettings(ctx.db)
  return { summary: firstSentence(def.description), currency: settings.currency, timezone: settings.timezone }
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/)
  return end === -1 ? text : text.slice(0, end)
}
