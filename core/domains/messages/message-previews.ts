import type { CallPreview } from '../../kernel/call-preview.js'
import type { OperationContext } from '../../kernel/context.js'
import { loadTenantSettings } from '../settings/model.js'
import { lockMessage, type MessageKind } from './model.js'
import { type MessageFields, renderMessage } from './render.js'

/** An email as its customer reads it, for the owner's review card (links made at sending show as empty). */
async function readAs(ctx: OperationContext, message: MessageFields): Promise<string> {
  const r = await renderMessage(ctx.db, message)
  return `Subject: ${r.subject}\n\n${r.body}`
}

/** The customer an email goes to, by name and address. */
async function recipient(ctx: OperationContext, contactId: unknown): Promise<{ id: string; name: string; email: string | null } | null> {
  const c = await ctx.db.query<{ display_name: string; email: string | null }>('select display_name, email from contacts where id = $1', [
    contactId,
  ])
  return c.rows[0] ? { id: String(contactId), name: c.rows[0].display_name, email: c.rows[0].email } : null
}

/** The review card of a new email: whom it goes to, when, and its words as the customer will read them. */
export async function previewScheduleMessage(
  ctx: OperationContext,
  input: { contact_id: string; kind: MessageKind; template_id?: string; subject?: string; body?: string; send_at?: string } & Record<
    string,
    unknown
  >,
): Promise<CallPreview> {
  const settings = await loadTenantSettings(ctx.db)
  const to = await recipient(ctx, input.contact_id)
  const sendAt = input.send_at ?? ctx.services.now().toISOString()
  const message = { ...input, template_id: input.template_id ?? null, send_at: sendAt }
  return {
    summary: `Email ${to?.name ?? 'a customer'}${to?.email ? ` <${to.email}>` : ''} (${input.kind.replace(/_/g, ' ')})`,
    customer: to ? { id: to.id, name: to.name } : null,
    when: [{ label: 'Sends', at: sendAt }],
    texts: [{ label: 'As the customer reads it', after: await readAs(ctx, message) }],
    currency: settings.currency,
    timezone: settings.timezone,
  }
}

/** The review card of a changed email: its words before and after, as the customer reads them. */
export async function previewUpdateMessage(
  ctx: OperationContext,
  input: { message_id: string; subject?: string | null; body?: string | null },
): Promise<CallPreview> {
  const settings = await loadTenantSettings(ctx.db)
  const before = await lockMessage(ctx.db, input.message_id)
  const to = await recipient(ctx, before.contact_id)
  const after = {
    ...before,
    subject: input.subject === undefined ? before.subject : input.subject,
    body: input.body === undefined ? before.body : input.body,
  }
  return {
    summary: `Change the ${String(before.kind).replace(/_/g, ' ')} email to ${to?.name ?? 'a customer'}`,
    customer: to ? { id: to.id, name: to.name } : null,
    when: [{ label: 'Sends', at: new Date(before.send_at as string | Date).toISOString() }],
    texts: [{ label: 'As the customer reads it', before: await readAs(ctx, before), after: await readAs(ctx, after) }],
    currency: settings.currency,
    timezone: settings.timezone,
  }
}
