// Generated from the folders beside it by cli/file-indexes.mjs (every build, and npm run generate): do not edit.
// test/architecture/file-indexes.test.ts fails when it no longer matches the folders.
import * as addressesIndex from './addresses/index.js'
import * as agentTokensIndex from './agent-tokens/index.js'
import * as analyticsIndex from './analytics/index.js'
import * as approvalsIndex from './approvals/index.js'
import * as attributesIndex from './attributes/index.js'
import * as auditIndex from './audit/index.js'
import * as autopayIndex from './autopay/index.js'
import * as calendarsIndex from './calendars/index.js'
import * as closeoutsIndex from './closeouts/index.js'
import * as contactsIndex from './contacts/index.js'
import * as customFieldsIndex from './custom-fields/index.js'
import * as documentsIndex from './documents/index.js'
import * as geocodingIndex from './geocoding/index.js'
import * as googleIndex from './google/index.js'
import * as importsIndex from './imports/index.js'
import * as inboundEmailIndex from './inbound-email/index.js'
import * as interactionsIndex from './interactions/index.js'
import * as invoicesIndex from './invoices/index.js'
import * as leadsIndex from './leads/index.js'
import * as messagesIndex from './messages/index.js'
import * as neighborhoodsIndex from './neighborhoods/index.js'
import * as notesIndex from './notes/index.js'
import * as offersIndex from './offers/index.js'
import * as openingsIndex from './openings/index.js'
import * as opportunitiesIndex from './opportunities/index.js'
import * as ordersIndex from './orders/index.js'
import * as partnersIndex from './partners/index.js'
import * as plansIndex from './plans/index.js'
import * as privacyIndex from './privacy/index.js'
import * as quickbooksIndex from './quickbooks/index.js'
import * as quotesIndex from './quotes/index.js'
import * as reachOutsIndex from './reach-outs/index.js'
import * as recurringInvoicesIndex from './recurring-invoices/index.js'
import * as routePlansIndex from './route-plans/index.js'
import * as routesIndex from './routes/index.js'
import * as searchIndex from './search/index.js'
import * as segmentsIndex from './segments/index.js'
import * as seriesIndex from './series/index.js'
import * as servicesIndex from './services/index.js'
import * as settingsIndex from './settings/index.js'
import * as stripeIndex from './stripe/index.js'
import * as textsIndex from './texts/index.js'
import * as ticketsIndex from './tickets/index.js'
import * as timesheetsIndex from './timesheets/index.js'
import * as usersIndex from './users/index.js'
import * as waitlistIndex from './waitlist/index.js'
import * as weatherIndex from './weather/index.js'

/** Every domain's front file, by its path, in the order of the domains' names. */
export const FRONT_FILES = {
  'addresses/index.ts': addressesIndex,
  'agent-tokens/index.ts': agentTokensIndex,
  'analytics/index.ts': analyticsIndex,
  'approvals/index.ts': approvalsIndex,
  'attributes/index.ts': attributesIndex,
  'audit/index.ts': auditIndex,
  'autopay/index.ts': autopayIndex,
  'calendars/index.ts': calendarsIndex,
  'closeouts/index.ts': closeoutsIndex,
  'contacts/index.ts': contactsIndex,
  'custom-fields/index.ts': customFieldsIndex,
  'documents/index.ts': documentsIndex,
  'geocoding/index.ts': geocodingIndex,
  'google/index.ts': googleIndex,
  'imports/index.ts': importsIndex,
  'inbound-email/index.ts': inboundEmailIndex,
  'interactions/index.ts': interactionsIndex,
  'invoices/index.ts': invoicesIndex,
  'leads/index.ts': leadsIndex,
  'messages/index.ts': messagesIndex,
  'neighborhoods/index.ts': neighborhoodsIndex,
  'notes/index.ts': notesIndex,
  'offers/index.ts': offersIndex,
  'openings/index.ts': openingsIndex,
  'opportunities/index.ts': opportunitiesIndex,
  'orders/index.ts': ordersIndex,
  'partners/index.ts': partnersIndex,
  'plans/index.ts': plansIndex,
  'privacy/index.ts': privacyIndex,
  'quickbooks/index.ts': quickbooksIndex,
  'quotes/index.ts': quotesIndex,
  'reach-outs/index.ts': reachOutsIndex,
  'recurring-invoices/index.ts': recurringInvoicesIndex,
  'route-plans/index.ts': routePlansIndex,
  'routes/index.ts': routesIndex,
  'search/index.ts': searchIndex,
  'segments/index.ts': segmentsIndex,
  'series/index.ts': seriesIndex,
  'services/index.ts': servicesIndex,
  'settings/index.ts': settingsIndex,
  'stripe/index.ts': stripeIndex,
  'texts/index.ts': textsIndex,
  'tickets/index.ts': ticketsIndex,
  'timesheets/index.ts': timesheetsIndex,
  'users/index.ts': usersIndex,
  'waitlist/index.ts': waitlistIndex,
  'weather/index.ts': weatherIndex,
} as const
