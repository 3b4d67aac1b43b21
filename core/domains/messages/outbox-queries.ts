import { z } from 'zod'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { timestamp } from '../../kernel/output-types.js'
import { defineQuery } from '../../kernel/registry.js'

/** The emails kept instead of sent while no email provider is configured, newest first. */
export const emailOutboxQuery = defineQuery({
  type: 'email_outbox',
  description:
    'Emails kept instead of sent while no email provider is configured (RESEND_API_KEY unset), newest first. Each: to_address, ' +
    "from_address, reply_to, subject, text_body, created_at. For people signed in only: the emails carry customers' answer and payment links.",
  phrases: ['kept emails', 'unsent emails', 'email off'],
  // The bodies hold customers' one-time links (answer an appointment, pay an invoice): credentials an agent must not hold.
  access: { agent: 'never', technician: 'none' },
  params: z.object({}),
  record: z.object({
    id: z.uuid(),
    to_address: z.string(),
    from_address: z.string(),
    reply_to: z.string().nullable(),
    subject: z.string(),
    text_body: z.string(),
    created_at: timestamp,
  }),
  async run(ctx, req) {
    const args: unknown[] = [req.id ?? null]
    return listPage(ctx.db, req, newestFirst(), args, {
      columns: 'id, to_address, from_address, reply_to, subject, text_body, created_at',
      from: 'email_outbox',
      where: `($1::uuid is null or id = $1)`,
    })
  },
})
