// Generated from the folders beside it by cli/file-indexes.mjs (every build, and npm run generate): do not edit.
// test/architecture/file-indexes.test.ts fails when it no longer matches the folders.
import * as approvalLinkPage from './approval-link-page.js'
import * as calendarFeedPage from './calendar-feed-page.js'
import * as cardPage from './card-page.js'
import * as offerPage from './offer-page.js'
import * as payLinkPage from './pay-link-page.js'
import * as paymentPages from './payment-pages.js'
import * as quotePage from './quote-page.js'
import * as requestPage from './request-page.js'
import * as respondPage from './respond-page.js'
import * as stopPage from './stop-page.js'

/** Every public page file (`*-page` or `*-pages`), by path. */
export const PAGE_FILES = {
  'approval-link-page.ts': approvalLinkPage,
  'calendar-feed-page.ts': calendarFeedPage,
  'card-page.ts': cardPage,
  'offer-page.ts': offerPage,
  'pay-link-page.ts': payLinkPage,
  'payment-pages.ts': paymentPages,
  'quote-page.ts': quotePage,
  'request-page.ts': requestPage,
  'respond-page.ts': respondPage,
  'stop-page.ts': stopPage,
} as const
