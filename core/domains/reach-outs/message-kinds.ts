import type { MessageKind } from '../messages/message-kind.js'
import { issueStopLink } from './stop-links.js'

/** The reach-out email, with the link that stops the customer's reach-outs. */
export const messageKinds: readonly MessageKind[] = [
  {
    kind: 'reach_out',
    issueLinks: (tx, services, tenantId, m) => issueStopLink(tx, services, tenantId, { id: m.id, kind: m.kind, contact_id: m.contact_id }),
  },
]
