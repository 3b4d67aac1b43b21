import { formatMoney } from '../../vocabulary/money.js'
import type { TemplateSamples } from '../messages/message-kind.js'
import type { Queryable } from '../../db/types.js'
import { cardLinkOf } from '../autopay/message-kinds.js'
import type { KindHold, KindMessage, KindDeclaration, RecordValues, TemplateVariables } from '../messages/message-kind.js'
import type { TemplateValues } from '../../text/templating.js'
import { type Cycle, planPriceWords } from '../../vocabulary/plan-cycles.js'

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

/** A customer's plan as its emails show it: its name and its price in words. */
async function planValues(tx: Queryable, customerPlanId: string): Promise<TemplateValues> {
  const p = await tx.query<{ name: string; price_cents: number; currency: string; cycle: Cycle; term_cycles: number; renews: boolean }>(
    'select name, price_cents, currency, cycle, term_cycles, renews from customer_plans where id = $1',
    [customerPlanId],
  )
  return p.rows[0] ? { plan_name: p.rows[0].name, plan_price: planPriceWords(p.rows[0]) } : {}
}

/** What a customer's plan gives the template of any message about it. */
export const messageValues: readonly RecordValues[] = [{ column: 'customer_plan_id', values: planValues }]

/** The variables this domain fills in the templates of its emails, with what each holds when a message is rendered. */
export const templateVariables: TemplateVariables = {
  plan_name: 'The related service plan, e.g. Monthly windows',
  plan_price: "The related service plan's price and cycle, e.g. $45.00 a month for 12 months, renewing",
}

/** Made-up values of this domain's variables, for a template preview without a real customer. */
export const templateSamples: TemplateSamples = ({ settings }) => ({
  plan_name: 'Monthly windows',
  plan_price: `${formatMoney(4500, settings.currency)} a month for 12 months, renewing`,
})
