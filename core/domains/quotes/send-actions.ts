import { z } from 'zod'
import { validationError } from '../../kernel/errors.js'
import { timestamp } from '../../kernel/output-types.js'
import { defineAction } from '../../kernel/registry.js'
import { localDate } from '../../vocabulary/time.js'
import { loadTenantSettings } from '../settings/model.js'
import { queueQuoteEmail } from './messages.js'
import { loadQuote, QUOTE_RECORD, quoteAuditView, quoteConflict } from './model.js'
import { page } from '../../vocabulary/places.js'

/** Emails a quote to its customer with links to accept or decline it. */
export const sendQuote = defineAction({
  key: 'quote.send',
  phrases: ['email the quote to the customer', 'send the estimate', 'email quote', 'send estimate', 'send proposal'],
  title: 'Send a quote',
  place: page('/quotes', 'pick the quote, then Send'),
  description:
    'Email a draft or sent quote to its customer now: the email shows the total and valid_until and carries one-time links to a ' +
    'page with the lines and totals, where the customer accepts or declines (no sign-in). A draft becomes sent. Refused: a quote ' +
    'already answered, expired or cancelled (CONFLICT), past its valid_until, or a customer without an email address. Returns quote and message.',
  access: { agent: 'soft_limit', technician: 'none' },
  input: z.strictObject({ quote_id: z.uuid() }),
  output: z.object({
    quote: QUOTE_RECORD,
    message: z.object({ id: z.uuid(), send_at: timestamp, status: z.enum(['pending', 'sent', 'cancelled', 'failed']) }),
  }),
  async run(ctx, input) {
    const before = await loadQuote(ctx.db, input.quote_id, true)
    if (before.status !== 'draft' && before.status !== 'sent') throw quoteConflict(before, 'only a draft or sent quote can be sent')
    const today = localDate(ctx.services.now(), (await loadTenantSettings(ctx.db)).timezone)
    if (String(before.valid_until) < today) {
      throw validationError([
        {
          field: 'data.quote_id',
          message:
            `quote ${before.number} was valid until ${before.valid_until}; ` +
            (before.status === 'draft' ? 'change valid_until with quote.update first' : 'cancel it and create a new one'),
        },
      ])
    }
    const contact = (await ctx.db.query<{ email: string | null }>('select email from contacts where id = $1', [before.contact_id])).rows[0]
    if (!contact?.email?.trim()) {
      throw validationError([
        {
          field: 'data.quote_id',
          message: `the customer (contact ${before.contact_id}) has no email address; add one with contact.update`,
        },
      ])
    }
    const message = await queueQuoteEmail(ctx, before)
    await ctx.db.query(`update quotes set status = 'sent', sent_at = coalesce(sent_at, $2) where id = $1`, [before.id, ctx.services.now()])
    const after = await loadQuote(ctx.db, before.id)
    await ctx.audit({
      entityType: 'quote',
      entityId: before.id,
      action: 'send',
      before: quoteAuditView(before),
      after: quoteAuditView(after),
    })
    return { quote: after, message: { id: String(message.id), send_at: message.send_at as Date, status: String(message.status) } }
  },
})
