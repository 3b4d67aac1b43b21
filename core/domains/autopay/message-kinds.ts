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

/** The email that asks a customer for a card to keep on file, with the link to give it. */
export const messageKinds: readonly KindDeclaration[] = [{ kind: 'card_request', issueLinks: cardLinkOf }]
