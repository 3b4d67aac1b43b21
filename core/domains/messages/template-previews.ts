import type { CallPreview } from '../../kernel/call-preview.js'
import type { OperationContext } from '../../kernel/context.js'
import { heldReason } from '../../kernel/authorize.js'
import { heldWordsIn } from '../../text/customer-words/held-words.js'
import { loadTenantSettings, type TenantSettings } from '../settings/model.js'
import { defaultTemplate } from './default-templates.js'
import { lockTemplate, type MessageKind } from './model.js'
import { sampleRendering } from './preview-queries.js'

/** A template's words as a sample customer reads them, as the review card shows them. */
function readAs(settings: TenantSettings, t: { subject: string; body: string; kind?: MessageKind }): string {
  const r = sampleRendering(settings, t)
  return `Subject: ${r.subject}\n\n${r.body}`
}

/** The review card of a new template: its words as a customer reads them, beside the default it would replace. */
export async function previewCreateTemplate(
  ctx: OperationContext,
  input: { kind: MessageKind; name: string; subject: string; body: string; is_default: boolean },
): Promise<CallPreview> {
  const settings = await loadTenantSettings(ctx.db)
  const current = input.is_default ? await defaultTemplate(ctx.db, input.kind) : null
  return {
    summary: `Add the ${kindWords(input.kind)} template "${input.name}"${input.is_default ? `, used for every ${kindWords(input.kind)} from now on` : ''}`,
    texts: [
      {
        label: 'As a customer reads it (sample customer)',
        before: current ? readAs(settings, current) : null,
        after: readAs(settings, input),
      },
    ],
    currency: settings.currency,
    timezone: settings.timezone,
  }
}

/** The review card of a template's change: its words before and after, as a customer reads them. */
export async function previewUpdateTemplate(
  ctx: OperationContext,
  input: { template_id: string; name?: string; subject?: string; body?: string },
): Promise<CallPreview> {
  const settings = await loadTenantSettings(ctx.db)
  const before = await lockTemplate(ctx.db, input.template_id)
  const kind = before.kind as MessageKind
  const was = { subject: String(before.subject), body: String(before.body), kind }
  const next = { subject: input.subject ?? was.subject, body: input.body ?? was.body, kind }
  return {
    summary: `Change the ${kindWords(String(before.kind))} template "${before.name}"${before.is_default ? `, used for every ${kindWords(String(before.kind))}` : ''}`,
    texts: [{ label: 'As a customer reads it (sample customer)', before: readAs(settings, was), after: readAs(settings, next) }],
    currency: settings.currency,
    timezone: settings.timezone,
  }
}

/** The review card of a new default: the words every customer gets now, and the template's that replace them. */
export async function previewSetDefault(ctx: OperationContext, input: { template_id: string }): Promise<CallPreview> {
  const settings = await loadTenantSettings(ctx.db)
  const chosen = await lockTemplate(ctx.db, input.template_id)
  const current = await defaultTemplate(ctx.db, chosen.kind as MessageKind)
  return {
    summary: `Use the template "${chosen.name}" for every ${kindWords(String(chosen.kind))} from now on`,
    texts: [
      {
        label: 'As a customer reads it (sample customer)',
        before: readAs(settings, current),
        after: readAs(settings, { subject: String(chosen.subject), body: String(chosen.body), kind: chosen.kind as MessageKind }),
      },
    ],
    currency: settings.currency,
    timezone: settings.timezone,
  }
}

/**
 * Why making this template the default is the owner's to answer every time: its words, which every customer of its kind
 * will read, point at another's channel or talk about paying.
 */
export async function defaultHoldsOwnersWords(ctx: OperationContext, input: { template_id: string }): Promise<string | null> {
  const t = await ctx.db.query<{ subject: string; body: string }>('select subject, body from message_templates where id = $1', [
    input.template_id,
  ])
  if (!t.rows[0]) return null
  const held = heldWordsIn(`${t.rows[0].subject}\n${t.rows[0].body}`, await ctx.services.consent.ownChannels(ctx, {}))
  return held.length ? heldReason('the template every customer of its kind reads', held) : null
}

function kindWords(kind: string): string {
  return `${kind.replace(/_/g, ' ')} email`
}
