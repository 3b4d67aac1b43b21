import { APPOINTMENT_KINDS } from './appointment-messages.js'
import { followUpHold, type KindDeclaration } from './message-kind.js'
import { issueResponseLinks } from './response-links.js'

/** The emails about one appointment, each with the links that confirm, move or cancel it. */
const appointmentKinds: readonly KindDeclaration[] = APPOINTMENT_KINDS.map((kind) => ({
  kind,
  issueLinks: (tx, services, tenantId, m) =>
    issueResponseLinks(tx, services, tenantId, { id: m.id, kind: m.kind, ticket_id: (m.ticket_id as string | null) ?? null }),
}))

/** The emails of this domain's own: those about an appointment, and the request for a review after one. */
export const messageKinds: readonly KindDeclaration[] = [...appointmentKinds, { kind: 'review_request', holdBack: followUpHold }]
