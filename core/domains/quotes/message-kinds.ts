import type { MessageKind } from '../messages/message-kind.js'
import { issueQuoteLinks, QUOTE_EMAIL_KINDS } from './quote-links.js'

/** The quote's emails: the quote itself and its follow-ups, each with its accept and decline links. */
export const messageKinds: readonly MessageKind[] = QUOTE_EMAIL_KINDS.map((kind) => ({
  kind,
  issueLinks: (tx, services, tenantId, m) =>
    issueQuoteLinks(tx, services, tenantId, { id: m.id, kind: m.kind, quote_id: (m.quote_id as string | null) ?? null }),
}))
