import type { KindDeclaration } from '../messages/message-kind.js'
import type { KindMessage } from '../messages/message-kind.js'
import type { Services } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import type { TemplateValues } from '../../text/templating.js'
import { issueCardLink } from './card-links.js'

/** The card link of a message that asks for a card (this domain's card_request, the plans domain's plan_offer). */
export function cardLinkOf(tx: Queryable, services: Services, tenantId: string, m: KindMessage): Promise<TemplateValues> {
  return issueCardLink(tx, services, tenantId, {
    kind: m.kind,
    contact_id: m.contact_id,
    invoice_id: (m.invoice_id as string | null) ?? null,
    customer_plan_id: (m.customer_plan_id as string | null) ?? null,
  })
}

/** The email that asks a customer for a card to keep on file, with the link to give it, and the notice before a saved card is charged. */
export const messageKinds: readonly KindDeclaration[] = [
  {
    kind: 'card_request',
    label: 'Card request',
    template: {
      name: 'Default card request',
      subject: 'Please update your card for {{business_name}}',
      body: `Hi {{customer_first_name}},

{{custom_message}}

Save a card on Stripe's secure page (we never see its number): {{card_link}}

Thank you,
{{business_name}}`,
    },
    issueLinks: cardLinkOf,
  },
  {
    kind: 'charge_notice',
    label: 'Notice before a card is charged',
    template: {
      name: 'Default charge notice',
      subject: 'Your card will be charged for invoice {{invoice_number}}',
      body: `Hi {{customer_first_name}},

Invoice {{invoice_number}} from {{business_name}} is {{amount_due}}. {{autopay_note}}

See the invoice: {{invoice_link}}

Thank you,
{{business_name}}`,
    },
  },
]
