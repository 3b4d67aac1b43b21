import type { TemplateSamples } from '../messages/message-kind.js'
import type { Queryable } from '../../db/types.js'
import type { KindHold, KindMessage, KindDeclaration, TemplateVariables } from '../messages/message-kind.js'
import { reachOutHold } from '../messages/reach-out-limits.js'
import { issueStopLink } from './stop-links.js'

/** A reach-out goes to no one who asked for no more, and within the business's limits. */
async function reachOutKindHold(tx: Queryable, m: KindMessage, now: Date): Promise<KindHold | null> {
  const c = await tx.query<{ stopped: boolean }>('select reach_out_opt_out_at is not null as stopped from contacts where id = $1', [
    m.contact_id,
  ])
  if (c.rows[0]?.stopped) return { cancel: 'the customer asked for no more reach-outs' }
  return reachOutHold(tx, m, now)
}

/** The reach-out email, with the link that stops the customer's reach-outs. */
export const messageKinds: readonly KindDeclaration[] = [
  {
    kind: 'reach_out',
    label: 'Reach out',
    text: {
      words: '{{business_name}}: it has been about {{reach_out_months}} months since our last visit. Reply to book your next one.',
      consent: 'marketing',
    },
    template: {
      name: 'Default reach out',
      subject: 'Time for your next visit from {{business_name}}?',
      body: `Hi {{customer_first_name}},

It has been about {{reach_out_months}} months since our last visit on {{last_service_date}}.
Would you like us to schedule your next service?
{{reply_invitation}}

{{custom_message}}

Thank you,
{{business_name}}`,
    },
    holdBack: reachOutKindHold,
    issueLinks: (tx, services, tenantId, m) => issueStopLink(tx, services, tenantId, { id: m.id, kind: m.kind, contact_id: m.contact_id }),
  },
]

/** The variables this domain fills in the templates of its emails, with what each holds when a message is rendered. */
export const templateVariables: TemplateVariables = {
  stop_link:
    'A link the customer opens to stop reach-out emails (reach-out emails only; made when the message is sent). A reach-out ' +
    'template that does not place it gets it at the end',
}

/** Made-up values of this domain's variables, for a template preview without a real customer. */
export const templateSamples: TemplateSamples = () => ({ stop_link: '[link to stop these emails]' })
