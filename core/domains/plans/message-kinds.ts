import { cardLinkOf } from '../autopay/message-kinds.js'
import type { MessageKind } from '../messages/message-kind.js'

/** The email that offers a customer their plan, with the link to accept it by giving a card. */
export const messageKinds: readonly MessageKind[] = [{ kind: 'plan_offer', issueLinks: cardLinkOf }]
