import type { Queryable } from '../../db/types.js'
import { dayWords } from '../../text/date-words.js'
import type { TemplateValues } from '../../text/templating.js'
import { formatMoney } from '../../vocabulary/money.js'
import {
  followUpHold,
  type KindDeclaration,
  type KindHold,
  type KindMessage,
  type RecordValues,
  type TemplateVariables,
} from '../messages/message-kind.js'
import { issueQuoteLinks } from './quote-links.js'

/** The accept and decline links of a quote's email. */
const quoteLinks: KindDeclaration['issueLinks'] = (tx, services, tenantId, m) =>
  issueQuoteLinks(tx, services, tenantId, { id: m.id, kind: m.kind, quote_id: (m.quote_id as string | null) ?? null })

/** A quote's email goes only while the quote waits for an answer. */
async function quoteHold(tx: Queryable, m: KindMessage): Promise<KindHold | null> {
  const q = (await tx.query<{ number: string; status: string }>('select number, status from quotes where id = $1', [m.quote_id])).rows[0]
  return q?.status === 'sent' ? null : { cancel: `quote ${q?.number ?? null} is ${q?.status ?? null}` }
}

/** The quote's emails: the quote itself and its follow-up, each with its accept and decline links. */
export const messageKinds: readonly KindDeclaration[] = [
  {
    kind: 'quote',
    label: 'Quote',
    template: {
      name: 'Default quote',
      subject: 'Quote {{quote_number}} from {{business_name}}',
      body: `Hi {{customer_first_name}},

Here is our quote {{quote_number}} for {{quote_total}}, valid until {{quote_valid_until}}.

{{custom_message}}

See the details and accept: {{quote_accept_link}}
Not for you? {{quote_decline_link}}

Thank you,
{{business_name}}`,
    },
    holdBack: quoteHold,
    issueLinks: quoteLinks,
  },
  {
    kind: 'quote_follow_up',
    label: 'Quote follow-up',
    template: {
      name: 'Default quote follow-up',
      subject: 'Your quote {{quote_number}} from {{business_name}} is valid until {{quote_valid_until}}',
      body: `Hi {{customer_first_name}},

Just checking in about our quote {{quote_number}} for {{quote_total}}. It is valid until {{quote_valid_until}}.

{{custom_message}}

See the details and accept: {{quote_accept_link}}
Not for you? {{quote_decline_link}}

Thank you,
{{business_name}}`,
    },
    holdBack: followUpHold,
    issueLinks: quoteLinks,
  },
]

/** A quote as its emails show it: number, total and the day it is good until. */
async function quoteValues(tx: Queryable, quoteId: string): Promise<TemplateValues> {
  const q = await tx.query<{ number: string; total_cents: number; currency: string; valid_until: string }>(
    'select number, total_cents, currency, valid_until from quotes where id = $1',
    [quoteId],
  )
  const quote = q.rows[0]
  if (!quote) return {}
  return {
    quote_number: quote.number,
    quote_total: formatMoney(quote.total_cents, quote.currency),
    quote_valid_until: dayWords(quote.valid_until),
  }
}

/** What a quote gives the template of any message about it. */
export const messageValues: readonly RecordValues[] = [{ column: 'quote_id', values: quoteValues }]

/** The variables this domain fills in the templates of its emails, with what each holds when a message is rendered. */
export const templateVariables: TemplateVariables = {
  quote_number: 'The related quote number, e.g. Q-2026-0003',
  quote_total: "The related quote's total with its currency, e.g. $432.00",
  quote_valid_until: 'The last day the related quote may be accepted, e.g. March 18, 2026',
  quote_accept_link: 'A link the customer clicks to see the quote and accept it (made when the message is sent)',
  quote_decline_link: 'A link the customer clicks to see the quote and decline it (made when the message is sent)',
}
