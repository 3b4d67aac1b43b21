import { DOMAINS } from './index.js'
import type { KindDeclaration } from './messages/message-kind.js'

/**
 * Every kind of email, collected the way domains are found: a domain's front file exports `messageKinds`, the kinds it
 * owns. No file lists kinds by name; a kind declared twice stops start-up.
 */
export const KIND_DECLARATIONS: ReadonlyMap<string, KindDeclaration> = collect()

function collect(): Map<string, KindDeclaration> {
  const kinds = new Map<string, KindDeclaration>()
  for (const { domain, exports } of DOMAINS) {
    for (const k of (exports.messageKinds as readonly KindDeclaration[] | undefined) ?? []) {
      if (kinds.has(k.kind)) throw new Error(`Domain ${domain}: the message kind ${k.kind} is declared twice`)
      kinds.set(k.kind, k)
    }
  }
  return kinds
}
