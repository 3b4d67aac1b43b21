import { DOMAINS } from './index.js'
import type { MessageKind } from './messages/message-kind.js'

/**
 * Every kind of email, collected the way domains are found: a domain's front file exports `messageKinds`, the kinds it
 * owns. No file lists kinds by name; a kind declared twice stops start-up.
 */
export const MESSAGE_KINDS: ReadonlyMap<string, MessageKind> = collect()

function collect(): Map<string, MessageKind> {
  const kinds = new Map<string, MessageKind>()
  for (const { domain, exports } of DOMAINS) {
    for (const k of (exports.messageKinds as readonly MessageKind[] | undefined) ?? []) {
      if (kinds.has(k.kind)) throw new Error(`Domain ${domain}: the message kind ${k.kind} is declared twice`)
      kinds.set(k.kind, k)
    }
  }
  return kinds
}
