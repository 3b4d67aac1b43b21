import { z } from 'zod'
import type { Queryable } from '../../db/types.js'
import { notFound } from '../../kernel/errors.js'
import { defineQuery } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { variablesIn, type TemplateValues } from '../../text/templating.js'
import { TEMPLATE_SAMPLES, TEMPLATE_VARIABLES } from '../message-kinds.js'
import { addDays, localDate, zonedInstant } from '../../vocabulary/time.js'
import { loadTenantSettings, type TenantSettings } from '../settings/model.js'
import { defaultTemplate } from './default-templates.js'
import { RENDERED_MESSAGE, type MessageKind } from './model.js'
import { messageKind, templateKind } from './kinds.js'
import { businessValues, messageValues, renderTexts } from './render.js'

/** A template as a customer would read it: rendered with a sample customer and visit, or with one real customer's data. */
export const templatePreviewQuery = defineQuery({
  type: 'template_preview',
  description:
    'A message template rendered as the customer would read it, without sending anything. Read it by id (a saved ' +
    "template's id from templates) or give kind (that kind's default); subject and body, when given, replace the saved texts (to try an edit before saving). " +
    'contact_id renders with that customer, their next (else last) appointment and latest invoice; without it a sample customer ' +
    'and visit are used. Answers one record: subject, body, missing (known variables that rendered empty), unknown ' +
    '(variables no message can fill; saving refuses them), sample (true when sample data was used).',
  phrases: ['email preview', 'template preview', 'how the email reads'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    kind: templateKind.optional(),
    subject: noteText(300).optional(),
    body: noteText(20_000).optional(),
    contact_id: z.uuid().optional(),
  }),
  record: RENDERED_MESSAGE.extend({ kind: messageKind, unknown: z.array(z.string()), sample: z.boolean() }),
  async run(ctx, req) {
    const p = req.params
    const saved = req.id ? await savedTemplate(ctx.db, req.id) : await defaultTemplate(ctx.db, p.kind ?? 'confirmation')
    const subject = p.subject ?? saved.subject
    const body = p.body ?? saved.body
    const settings = await loadTenantSettings(ctx.db)
    const values = p.contact_id ? await customerValues(ctx.db, p.contact_id, settings) : sampleValues(settings)
    const rendered = renderTexts({ subject, body, custom: 'A note written for this one message appears here.', kind: saved.kind }, values)
    const unknown = variablesIn(`${subject}\n${body}`).filter((name) => !(name in TEMPLATE_VARIABLES))
    return { items: [{ ...rendered, kind: saved.kind, unknown, sample: !p.contact_id }], next_cursor: null }
  },
})

/** A template's subject and body as a sample customer would read them, for the owner's review card. */
export function sampleRendering(
  settings: TenantSettings,
  texts: { subject: string; body: string; kind?: MessageKind },
): { subject: string; body: string } {
  const rendered = renderTexts({ ...texts, custom: 'A note written for this one message appears here.' }, sampleValues(settings))
  return { subject: rendered.subject, body: rendered.body }
}

/** A saved template's kind and texts, archived or not, or NOT_FOUND. */
async function savedTemplate(tx: Queryable, id: string): Promise<{ kind: MessageKind; subject: string; body: string }> {
  const r = await tx.query<{ kind: MessageKind; subject: string; body: string }>(
    'select kind, subject, body from message_templates where id = $1',
    [id],
  )
  if (!r.rows[0]) throw notFound('template', id)
  return r.rows[0]
}

/** What a message to this customer would know: their next appointment (else their last) and their latest invoice. */
async function customerValues(tx: Queryable, contactId: string, settings: TenantSettings): Promise<TemplateValues> {
  const c = await tx.query<{ ticket_id: string | null; invoice_id: string | null }>(
    `select (select t.id from tickets t where t.contact_id = c.id
               order by (t.scheduled_start >= now()) desc, case when t.scheduled_start >= now() then t.scheduled_start end, t.scheduled_start desc limit 1) as ticket_id,
            (select i.id from invoices i where i.contact_id = c.id order by i.created_at desc limit 1) as invoice_id
     from contacts c where c.id = $1`,
    [contactId],
  )
  if (!c.rows[0]) throw notFound('contact', contactId)
  return messageValues(
    tx,
    { contact_id: contactId, ticket_id: c.rows[0].ticket_id, invoice_id: c.rows[0].invoice_id, send_at: new Date() },
    settings,
  )
}

/**
 * A made-up customer, a visit next week at 9:00 and an invoice, in the business's own time zone and currency: the
 * business's own values, then each domain's made-up values of its variables (TEMPLATE_SAMPLES).
 */
function sampleValues(settings: TenantSettings): TemplateValues {
  const day = addDays(localDate(new Date(), settings.timezone), 7)
  const visit = { settings, day, start: zonedInstant(day, '09:00', settings.timezone) }
  return Object.assign(businessValues(settings), ...TEMPLATE_SAMPLES.map((samples) => samples(visit)))
}
