// Generated from the folders beside it by cli/file-indexes.mjs (every build, and npm run generate): do not edit.
// test/architecture/file-indexes.test.ts fails when it no longer matches the folders.
import * as addressesPersonalData from './addresses/personal-data.js'
import * as approvalsPersonalData from './approvals/personal-data.js'
import * as attributesPersonalData from './attributes/personal-data.js'
import * as autopayPersonalData from './autopay/personal-data.js'
import * as closeoutsPersonalData from './closeouts/personal-data.js'
import * as contactsPersonalData from './contacts/personal-data.js'
import * as customFieldsPersonalData from './custom-fields/personal-data.js'
import * as documentsPersonalData from './documents/personal-data.js'
import * as googleCalendarInPersonalData from './google/calendar-in/personal-data.js'
import * as googleCalendarPersonalData from './google/calendar-personal-data.js'
import * as googleGmailPersonalData from './google/gmail-personal-data.js'
import * as googlePersonalData from './google/personal-data.js'
import * as importsPersonalData from './imports/personal-data.js'
import * as inboundEmailPersonalData from './inbound-email/personal-data.js'
import * as interactionsPersonalData from './interactions/personal-data.js'
import * as invoicesPersonalData from './invoices/personal-data.js'
import * as invoicesRefundsPersonalData from './invoices/refunds-personal-data.js'
import * as leadsPersonalData from './leads/personal-data.js'
import * as leadsRequestPersonalData from './leads/request-personal-data.js'
import * as messagesPersonalData from './messages/personal-data.js'
import * as notesPersonalData from './notes/personal-data.js'
import * as offersPersonalData from './offers/personal-data.js'
import * as openingsPersonalData from './openings/personal-data.js'
import * as opportunitiesPersonalData from './opportunities/personal-data.js'
import * as ordersPersonalData from './orders/personal-data.js'
import * as plansPersonalData from './plans/personal-data.js'
import * as privacyPersonalData from './privacy/personal-data.js'
import * as quickbooksPersonalData from './quickbooks/personal-data.js'
import * as quotesPersonalData from './quotes/personal-data.js'
import * as reachOutsPersonalData from './reach-outs/personal-data.js'
import * as recurringInvoicesPersonalData from './recurring-invoices/personal-data.js'
import * as segmentsPersonalData from './segments/personal-data.js'
import * as seriesPersonalData from './series/personal-data.js'
import * as textsPersonalData from './texts/personal-data.js'
import * as ticketsPersonalData from './tickets/personal-data.js'
import * as waitlistPersonalData from './waitlist/personal-data.js'

/** Every domain's personal-data declarations (`personal-data` or `*-personal-data`, at any depth), by path. */
export const PERSONAL_DATA_FILES = {
  'addresses/personal-data.ts': addressesPersonalData,
  'approvals/personal-data.ts': approvalsPersonalData,
  'attributes/personal-data.ts': attributesPersonalData,
  'autopay/personal-data.ts': autopayPersonalData,
  'closeouts/personal-data.ts': closeoutsPersonalData,
  'contacts/personal-data.ts': contactsPersonalData,
  'custom-fields/personal-data.ts': customFieldsPersonalData,
  'documents/personal-data.ts': documentsPersonalData,
  'google/calendar-in/personal-data.ts': googleCalendarInPersonalData,
  'google/calendar-personal-data.ts': googleCalendarPersonalData,
  'google/gmail-personal-data.ts': googleGmailPersonalData,
  'google/personal-data.ts': googlePersonalData,
  'imports/personal-data.ts': importsPersonalData,
  'inbound-email/personal-data.ts': inboundEmailPersonalData,
  'interactions/personal-data.ts': interactionsPersonalData,
  'invoices/personal-data.ts': invoicesPersonalData,
  'invoices/refunds-personal-data.ts': invoicesRefundsPersonalData,
  'leads/personal-data.ts': leadsPersonalData,
  'leads/request-personal-data.ts': leadsRequestPersonalData,
  'messages/personal-data.ts': messagesPersonalData,
  'notes/personal-data.ts': notesPersonalData,
  'offers/personal-data.ts': offersPersonalData,
  'openings/personal-data.ts': openingsPersonalData,
  'opportunities/personal-data.ts': opportunitiesPersonalData,
  'orders/personal-data.ts': ordersPersonalData,
  'plans/personal-data.ts': plansPersonalData,
  'privacy/personal-data.ts': privacyPersonalData,
  'quickbooks/personal-data.ts': quickbooksPersonalData,
  'quotes/personal-data.ts': quotesPersonalData,
  'reach-outs/personal-data.ts': reachOutsPersonalData,
  'recurring-invoices/personal-data.ts': recurringInvoicesPersonalData,
  'segments/personal-data.ts': segmentsPersonalData,
  'series/personal-data.ts': seriesPersonalData,
  'texts/personal-data.ts': textsPersonalData,
  'tickets/personal-data.ts': ticketsPersonalData,
  'waitlist/personal-data.ts': waitlistPersonalData,
} as const
