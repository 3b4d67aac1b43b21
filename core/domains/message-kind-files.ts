// Generated from the folders beside it by cli/file-indexes.mjs (every build, and npm run generate): do not edit.
// test/architecture/file-indexes.test.ts fails when it no longer matches the folders.
import * as autopayMessageKinds from './autopay/message-kinds.js'
import * as invoicesMessageKinds from './invoices/message-kinds.js'
import * as messagesMessageKinds from './messages/message-kinds.js'
import * as offersMessageKinds from './offers/message-kinds.js'
import * as plansMessageKinds from './plans/message-kinds.js'
import * as quotesMessageKinds from './quotes/message-kinds.js'
import * as reachOutsMessageKinds from './reach-outs/message-kinds.js'
import * as ticketsMessageKinds from './tickets/message-kinds.js'

/** Every domain's kinds of email, values and template variables (`message-kinds`), by path. */
export const MESSAGE_KIND_FILES = {
  'autopay/message-kinds.ts': autopayMessageKinds,
  'invoices/message-kinds.ts': invoicesMessageKinds,
  'messages/message-kinds.ts': messagesMessageKinds,
  'offers/message-kinds.ts': offersMessageKinds,
  'plans/message-kinds.ts': plansMessageKinds,
  'quotes/message-kinds.ts': quotesMessageKinds,
  'reach-outs/message-kinds.ts': reachOutsMessageKinds,
  'tickets/message-kinds.ts': ticketsMessageKinds,
} as const
