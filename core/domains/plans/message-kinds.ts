import type { Queryable } from '../../db/types.js'
import { cardLinkOf } from '../autopay/message-kinds.js'
import type { KindHold, KindMessage, KindDeclaration } from '../messages/message-kind.js'

/** A plan's offer goes only while the plan is still offered. */
async function planOfferHold(tx: Queryable, m: KindMessage): Promise<KindHold | null> {
  const p = (await tx.query<{ status: string }>('select status from customer_plans where id = $1', [m.customer_plan_id])).rows[0]
  return ['proposed', 'sent'].includes(String(p?.status)) ? null : { cancel: `the plan is ${p?.status ?? null}` }
}

/** The email that offers a customer their plan, with the link to accept it by giving a card. */
export const messageKinds: readonly KindDeclaration[] = [
  {
    kind: 'plan_offer',
    label: 'Service plan offer',
    template: {
      name: 'Default service plan offer',
      subject: 'Your {{plan_name}} plan with {{business_name}}',
      body: `Hi {{customer_first_name}},

Here is the {{plan_name}} plan we talked about: {{plan_price}}.
See what it includes, the dates of its charges and its terms, and accept it there: {{card_link}}

{{custom_message}}

Thank you,
{{business_name}}`,
    },
    holdBack: planOfferHold,
    issueLinks: cardLinkOf,
  },
]
