// Generated from the folders of core/domains by cli/domain-index.mjs (every build, and npm run generate): do not edit.
// test/registry/domain-discovery.test.ts fails when it no longer matches the folders.
import * as addresses from './addresses/index.js'
import * as agentTokens from './agent-tokens/index.js'
import * as analytics from './analytics/index.js'
import * as approvals from './approvals/index.js'
import * as attributes from './attributes/index.js'
import * as audit from './audit/index.js'
import * as autopay from './autopay/index.js'
import * as calendars from './calendars/index.js'
import * as closeouts from './closeouts/index.js'
import * as contacts from './contacts/index.js'
import * as customFields from './custom-fields/index.js'
import * as documents from './documents/index.js'
import * as geocoding from './geocoding/index.js'
import * as google from './google/index.js'
import * as imports from './imports/index.js'
import * as inboundEmail from './inbound-email/index.js'
import * as interactions from './interactions/index.js'
import * as invoices from './invoices/index.js'
import * as leads from './leads/index.js'
import * as messages from './messages/index.js'
import * as neighborhoods from './neighborhoods/index.js'
import * as notes from './notes/index.js'
import * as offers from './offers/index.js'
import * as openings from './openings/index.js'
import * as opportunities from './opportunities/index.js'
import * as orders from './orders/index.js'
import * as partners from './partners/index.js'
import * as plans from './plans/index.js'
import * as privacy from './privacy/index.js'
import * as quickbooks from './quickbooks/index.js'
import * as quotes from './quotes/index.js'
import * as reachOuts from './reach-outs/index.js'
import * as recurringInvoices from './recurring-invoices/index.js'
import * as routePlans from './route-plans/index.js'
import * as routes from './routes/index.js'
import * as search from './search/index.js'
import * as segments from './segments/index.js'
import * as series from './series/index.js'
import * as services from './services/index.js'
import * as settings from './settings/index.js'
import * as tickets from './tickets/index.js'
import * as timesheets from './timesheets/index.js'
import * as users from './users/index.js'
import * as waitlist from './waitlist/index.js'
import * as weather from './weather/index.js'

/** Every domain's front file by its folder's name, in the order of their names. */
export const FRONT_FILES = {
  addresses,
  'agent-tokens': agentTokens,
  analytics,
  approvals,
  attributes,
  audit,
  autopay,
  calendars,
  closeouts,
  contacts,
  'custom-fields': customFields,
  documents,
  geocoding,
  google,
  imports,
  'inbound-email': inboundEmail,
  interactions,
  invoices,
  leads,
  messages,
  neighborhoods,
  notes,
  offers,
  openings,
  opportunities,
  orders,
  partners,
  plans,
  privacy,
  quickbooks,
  quotes,
  'reach-outs': reachOuts,
  'recurring-invoices': recurringInvoices,
  'route-plans': routePlans,
  routes,
  search,
  segments,
  series,
  services,
  settings,
  tickets,
  timesheets,
  users,
  waitlist,
  weather,
} as const
