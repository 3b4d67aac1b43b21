import type { Queryable } from '../../db/types.js'
import { followUpHold, type KindHold, type KindMessage, type KindDeclaration } from '../messages/message-kind.js'
import { issueQuoteLinks } from './quote-links.js'

/** The accept and decline links of a quote's email. */
const quoteLinks: KindDeclaration['issueLinks'] = (tx, services, tenantId, m) =>
  issueQuoteLinks(tx, services, tenantId, { id: m.id, kind: m.kind, quote_id: (m.quote_id as string | null) ?? null })

/** A quote's email goes only while the quote waits for an answer. */
async function quoteHold(tx: Queryable, m: KindMessage): Promise<KindHold | null> {
  const q = (await tx.query<{ number: string; status: string }>('select number, status from quotes where id = $1', [m.quote_id])).rows[0]
  return q?.status === 'sent' ? null : { cancel: `quote ${q?.number ?? null} is ${q?.status ?? null}` }
}

/** The quote's emails: the quote itself and its follow-up, each with its accept and decline links. */
export const messageKinds: readonly KindDeclaration[] = [
  { kind: 'quote', holdBack: quoteHold, issueLinks: quoteLinks },
  { kind: 'quote_follow_up', holdBack: followUpHold, issueLinks: quoteLinks },
]
