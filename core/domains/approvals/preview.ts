import { customerWordsIn } from '../../kernel/access.js'
import type { CallPreview } from '../../kernel/call-preview.js'
import type { OperationContext } from '../../kernel/context.js'
import { loadTenantSettings } from '../settings/model.js'
import { callWords } from './call-words.js'
import type { ActionDefinition } from '../../kernel/registry.js'

/**
 * The call's preview from its action, or for an action without one, its title and what it gives in words (callWords); the
 * words it gives customers to read are on it either way (the action's own rendering, else each field's words as given).
 */
export async function previewCall(ctx: OperationContext, def: ActionDefinition, input: unknown): Promise<CallPreview> {
  const preview: CallPreview = def.preview
    ? await def.preview(ctx, input as never)
    : await loadTenantSettings(ctx.db).then(async (s) => ({
        summary: await callWords(ctx.db, def.title ?? firstSentence(def.description), input, s),
        currency: s.currency,
        timezone: s.timezone,
      }))
  const words = customerWordsIn(def.access.customerText, input)
  if (!preview.texts && words.length) {
    preview.texts = words.map((w) => ({
      label: `${w.field.replace(/^data\./, '').replace(/_/g, ' ')}, as customers will read it`,
      after: w.text,
    }))
  }
  return preview
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/)
  return end === -1 ? text : text.slice(0, end)
}
