import type { Queryable } from '../../db/types.js'
import { cardLinkOf } from '../autopay/message-kinds.js'
import type { KindHold, KindMessage, KindDeclaration } from '../messages/message-kind.js'

/** A plan's offer goes only while the plan is still offered. */
async function planOfferHold(tx: Queryable, m: KindMessage): Promise<KindHold | null> {
  const p = (await tx.query<{ status: string }>('select status from customer_plans where id = $1', [m.customer_plan_id])).rows[0]
  return ['proposed', 'sent'].includes(String(p?.status)) ? null : { cancel: `the plan is ${p?.status ?? null}` }
}

/** The email that offers a customer their plan, with the link to accept it by giving a card. */
export const messageKinds: readonly KindDeclaration[] = [{ kind: 'plan_offer', holdBack: planOfferHold, issueLinks: cardLinkOf }]
