// Generated from the folders beside it by cli/file-indexes.mjs (every build, and npm run generate): do not edit.
// test/architecture/file-indexes.test.ts fails when it no longer matches the folders.
import * as approvalsApprovalLinks from './approvals/approval-links.js'
import * as autopayCardLinks from './autopay/card-links.js'
import * as calendarsFeedLinks from './calendars/feed-links.js'
import * as invoicesPayLinks from './invoices/pay-links.js'
import * as messagesResponseLinks from './messages/response-links.js'
import * as offersOfferLinks from './offers/offer-links.js'
import * as quotesQuoteLinks from './quotes/quote-links.js'
import * as reachOutsStopLinks from './reach-outs/stop-links.js'

/** Every domain's files of secret link kinds (`*-links`), by path. */
export const LINK_FILES = {
  'approvals/approval-links.ts': approvalsApprovalLinks,
  'autopay/card-links.ts': autopayCardLinks,
  'calendars/feed-links.ts': calendarsFeedLinks,
  'invoices/pay-links.ts': invoicesPayLinks,
  'messages/response-links.ts': messagesResponseLinks,
  'offers/offer-links.ts': offersOfferLinks,
  'quotes/quote-links.ts': quotesQuoteLinks,
  'reach-outs/stop-links.ts': reachOutsStopLinks,
} as const
