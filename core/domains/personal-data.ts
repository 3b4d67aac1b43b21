import { idempotencyKeysPersonalData } from '../idempotency-personal-data.js'
import type { ExportView, PersonalTable } from '../personal-data/declare.js'
import { addressesPersonalData } from './addresses/personal-data.js'
import { authorizationRequestsPersonalData } from './approvals/personal-data.js'
import { attributesPersonalData } from './attributes/personal-data.js'
import { closeoutsPersonalData } from './closeouts/personal-data.js'
import { contactLinksPersonalData, contactsPersonalData } from './contacts/personal-data.js'
import { customFieldsExportView } from './custom-fields/personal-data.js'
import { documentsPersonalData, documentVersionsPersonalData } from './documents/personal-data.js'
import { gmailMessagesPersonalData } from './google/gmail-personal-data.js'
import { contactExternalIdsPersonalData, ticketExternalIdsPersonalData } from './imports/personal-data.js'
import { inboundEmailsPersonalData } from './inbound-email/personal-data.js'
import { googleContactsPersonalData } from './google/personal-data.js'
import { interactionsPersonalData } from './interactions/personal-data.js'
import {
  invoiceLineItemsPersonalData,
  invoicesPersonalData,
  payLinksPersonalData,
  paymentsPersonalData,
  stripeEventsPersonalData,
} from './invoices/personal-data.js'
import { leadsPersonalData } from './leads/personal-data.js'
import { leadRequestsPersonalData } from './leads/request-personal-data.js'
import {
  emailEventsPersonalData,
  emailOutboxPersonalData,
  responseLinksPersonalData,
  scheduledMessagesPersonalData,
} from './messages/personal-data.js'
import { notesPersonalData } from './notes/personal-data.js'
import { slotOffersPersonalData } from './offers/personal-data.js'
import { opportunitiesPersonalData } from './opportunities/personal-data.js'
import { ordersPersonalData } from './orders/personal-data.js'
import { erasuresPersonalData } from './privacy/personal-data.js'
import { googleEventsPersonalData, googleSeriesEventsPersonalData } from './google/calendar-personal-data.js'
import { quickbooksRecordsPersonalData } from './quickbooks/personal-data.js'
import { googleChangeRequestsPersonalData } from './google/calendar-in/personal-data.js'
import { quoteLineItemsPersonalData, quotesPersonalData } from './quotes/personal-data.js'
import { segmentMembersPersonalData } from './segments/personal-data.js'
import { seriesPersonalData } from './series/personal-data.js'
import { ticketLineItemsPersonalData, ticketsPersonalData } from './tickets/personal-data.js'
import { waitlistPersonalData } from './waitlist/personal-data.js'

/**
 * What every table holds about a customer, as its domain declares it, in the order the export shows the parts.
 * Erasure walks the same declarations (core/personal-data/), so a table added here is erased and exported with no
 * other change; test/core/personal-data/ fails for a table that reaches a customer and is missing.
 */
export const PERSONAL_DATA: readonly PersonalTable[] = [
  contactsPersonalData,
  addressesPersonalData,
  attributesPersonalData,
  notesPersonalData,
  contactLinksPersonalData,
  contactExternalIdsPersonalData,
  ticketsPersonalData,
  ticketLineItemsPersonalData,
  seriesPersonalData,
  invoicesPersonalData,
  invoiceLineItemsPersonalData,
  paymentsPersonalData,
  scheduledMessagesPersonalData,
  emailEventsPersonalData,
  interactionsPersonalData,
  waitlistPersonalData,
  leadsPersonalData,
  leadRequestsPersonalData,
  opportunitiesPersonalData,
  quotesPersonalData,
  quoteLineItemsPersonalData,
  slotOffersPersonalData,
  ordersPersonalData,
  segmentMembersPersonalData,
  documentsPersonalData,
  documentVersionsPersonalData,
  closeoutsPersonalData,
  emailOutboxPersonalData,
  responseLinksPersonalData,
  payLinksPersonalData,
  stripeEventsPersonalData,
  ticketExternalIdsPersonalData,
  erasuresPersonalData,
  idempotencyKeysPersonalData,
  authorizationRequestsPersonalData,
  quickbooksRecordsPersonalData,
  gmailMessagesPersonalData,
  inboundEmailsPersonalData,
  googleContactsPersonalData,
  googleEventsPersonalData,
  googleSeriesEventsPersonalData,
  googleChangeRequestsPersonalData,
]

/** The export's parts that a domain reads with its own statement, after the tables' parts. */
export const EXPORT_VIEWS: readonly ExportView[] = [customFieldsExportView]
