import type { TemplateSamples } from '../messages/message-kind.js'
import type { KindDeclaration, KindMessage, RecordValues, ValuesMoment, TemplateVariables } from '../messages/message-kind.js'
import { dayWords } from '../../text/date-words.js'
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

/**
 * The note on an owed invoice that a saved card will pay it, "It will be charged to your Visa ending 4242 on March 18,
 * 2026: nothing to do.", while autopay will charge it: a card on file, autopay on for the invoice or the customer, an
 * amount the owner set, and no charge under way, made, or failed since the card was saved. Null otherwise.
 */
async function autopayNote(tx: Queryable, invoiceId: string, { sendDay }: ValuesMoment): Promise<TemplateValues> {
  const r = await tx.query<{ due_on: string; card: string | null }>(
    `select i.due_on::text as due_on,
            (select s.brand || ' ending ' || s.last4 from saved_cards s join contacts c on c.id = s.contact_id
              where s.contact_id = i.contact_id and s.replaced_at is null and (i.autopay or c.autopay_at is not null)
                and i.amount_set_by <> 'agent' and not exists (select 1 from autopay_attempts a where a.invoice_id = i.id
                  and (a.status in ('charging', 'succeeded', 'processing') or a.finished_at >= s.saved_at))) as card
     from invoices i where i.id = $1 and i.amount_due_cents > 0 and i.status not in ('void', 'paid')`,
    [invoiceId],
  )
  const owed = r.rows[0]
  return {
    autopay_note: owed?.card
      ? `It will be charged to your ${owed.card.charAt(0).toUpperCase()}${owed.card.slice(1)} on ${dayWords(owed.due_on > sendDay ? owed.due_on : sendDay)}: nothing to do.`
      : null,
  }
}

/** What a saved card adds to the template of any message about an invoice it will pay. */
export const messageValues: readonly RecordValues[] = [{ column: 'invoice_id', values: autopayNote }]

/** The variables this domain fills in the templates of its emails, with what each holds when a message is rendered. */
export const templateVariables: TemplateVariables = {
  autopay_note:
    "When the related invoice will be charged to the customer's saved card on its due date (not tried yet): 'It will be " +
    "charged to your Visa ending 4242 on December 10, 2026: nothing to do.'; empty otherwise",
  card_link:
    "A link the customer opens to save a card on Stripe's page: to accept the related service plan, or to replace a card " +
    'that was declined (service plan offers and card requests only; made when the message is sent)',
}

/** Made-up values of this domain's variables, for a template preview without a real customer. */
export const templateSamples: TemplateSamples = () => ({ card_link: '[link to save a card]' })
