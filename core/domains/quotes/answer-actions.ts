import { z } from 'zod'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { ORDER_RECORD } from '../orders/model.js'
import { answerQuote, QUOTE_NOTE_MAX } from './acceptance.js'
import { QUOTE_RECORD } from './model.js'
import { BY_AGENT_OR_API } from '../../vocabulary/places.js'

/** Records an answer the customer gave in person, by phone or by email instead of through the quote's links. */
export const recordQuoteAnswer = defineAction({
  key: 'quote.record_answer',
  phrases: [
    'the customer accepted the quote',
    'they said yes to the estimate',
    'they turned the quote down',
    'quote accepted',
    'customer accepted',
    'approve estimate',
    'declined quote',
  ],
  title: "Record a customer's answer to a quote",
  place: BY_AGENT_OR_API,
  description:
    "Record the customer's answer to a draft or sent quote given by phone, in person or by email (their one-click links do this " +
    "themselves): answer accept|decline, with their note. Accepting creates the order (status pending_fulfilment) carrying the quote's " +
    'lines; book it with order.book. A quote already answered, cancelled or expired, or accepted after valid_until, is a CONFLICT. ' +
    'Returns quote and order (null on decline).',
  access: { agent: 'soft_limit', technician: 'none' },
  input: z.strictObject({
    quote_id: z.uuid(),
    answer: z.enum(['accept', 'decline']),
    note: noteText(QUOTE_NOTE_MAX).optional().describe('What the customer said, e.g. "please start after the 10th"'),
  }),
  output: z.object({ quote: QUOTE_RECORD, order: ORDER_RECORD.nullable() }),
  async run(ctx, input) {
    return answerQuote(ctx, input.quote_id, input.answer, input.note ?? null)
  },
})
