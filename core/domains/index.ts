import * as agentTokenActions from './agent-tokens/actions.js'
import * as agentTokenQueries from './agent-tokens/queries.js'
import * as analyticsQueries from './analytics/queries.js'
import * as auditQueries from './audit/queries.js'
import * as calendarFeedActions from './calendars/actions.js'
import * as calendarFeedQueries from './calendars/queries.js'
import * as closeoutActions from './closeouts/actions.js'
import * as closeoutQueries from './closeouts/queries.js'
import * as addressActions from './addresses/actions.js'
import * as addressQueries from './addresses/queries.js'
import * as attributeActions from './attributes/actions.js'
import * as attributeQueries from './attributes/queries.js'
import * as contactActions from './contacts/actions.js'
import * as customFieldActions from './custom-fields/actions.js'
import * as customFieldQueries from './custom-fields/queries.js'
import * as documentActions from './documents/actions.js'
import * as documentQueries from './documents/queries.js'
import * as contactLinkActions from './contacts/link-actions.js'
import * as contactMergeActions from './contacts/merge-actions.js'
import * as contactTagActions from './contacts/tag-actions.js'
import * as contactQueries from './contacts/queries.js'
import * as referralQueries from './contacts/referrals.js'
import * as customerOverviewQueries from './contacts/overview.js'
import * as invoiceActions from './invoices/actions.js'
import * as invoiceQueries from './invoices/queries.js'
import * as invoiceSendActions from './invoices/send-actions.js'
import * as paymentQueries from './invoices/payment-queries.js'
import * as receivablesQueries from './invoices/receivables.js'
import * as unappliedPaymentQueries from './invoices/unapplied-payments.js'
import * as importActions from './imports/actions.js'
import * as importUploadActions from './imports/upload-actions.js'
import * as importUploadQueries from './imports/upload-queries.js'
import * as interactionActions from './interactions/actions.js'
import * as interactionQueries from './interactions/queries.js'
import * as timelineQueries from './interactions/timeline.js'
import * as leadActions from './leads/actions.js'
import * as leadQueries from './leads/queries.js'
import * as messageActions from './messages/actions.js'
import * as messageQueries from './messages/queries.js'
import * as outboxQueries from './messages/outbox-queries.js'
import * as templatePreviewQueries from './messages/preview-queries.js'
import * as templateActions from './messages/template-actions.js'
import * as noteActions from './notes/actions.js'
import * as opportunityActions from './opportunities/actions.js'
import * as opportunityQueries from './opportunities/queries.js'
import * as pipelineTotalsQueries from './opportunities/totals.js'
import * as orderActions from './orders/actions.js'
import * as orderQueries from './orders/queries.js'
import * as quoteActions from './quotes/actions.js'
import * as quoteAnswerActions from './quotes/answer-actions.js'
import * as quoteQueries from './quotes/queries.js'
import * as quoteSendActions from './quotes/send-actions.js'
import * as noteQueries from './notes/queries.js'
import * as customerErasureActions from './privacy/erase.js'
import * as customerExportQueries from './privacy/export.js'
import * as searchQueries from './search/queries.js'
import * as recentContactQueries from './search/recent-queries.js'
import * as segmentActions from './segments/actions.js'
import * as segmentQueries from './segments/queries.js'
import * as segmentSendActions from './segments/send.js'
import * as seriesActions from './series/actions.js'
import * as seriesQueries from './series/queries.js'
import * as serviceActions from './services/actions.js'
import * as serviceQueries from './services/queries.js'
import * as settingsActions from './settings/actions.js'
import * as settingsQueries from './settings/queries.js'
import * as ticketActions from './tickets/actions.js'
import * as ticketAvailability from './tickets/availability.js'
import * as ticketClockActions from './tickets/clock-actions.js'
import * as ticketCloseActions from './tickets/close.js'
import * as ticketLineItemActions from './tickets/line-item-actions.js'
import * as ticketQueries from './tickets/queries.js'
import * as ticketUnbilled from './tickets/unbilled.js'
import * as userActions from './users/actions.js'
import * as userQueries from './users/queries.js'
import * as waitlistActions from './waitlist/actions.js'
import * as waitlistQueries from './waitlist/queries.js'

/** Every domain module; each exports its definitions, and the registry collects them. */
export const DOMAIN_MODULES = [
  contactActions,
  contactLinkActions,
  contactMergeActions,
  contactTagActions,
  contactQueries,
  referralQueries,
  customerOverviewQueries,
  addressActions,
  addressQueries,
  attributeActions,
  attributeQueries,
  customFieldActions,
  customFieldQueries,
  noteActions,
  noteQueries,
  interactionActions,
  interactionQueries,
  timelineQueries,
  documentActions,
  documentQueries,
  customerExportQueries,
  customerErasureActions,
  auditQueries,
  importActions,
  importUploadActions,
  importUploadQueries,
  leadActions,
  leadQueries,
  opportunityActions,
  opportunityQueries,
  pipelineTotalsQueries,
  waitlistActions,
  waitlistQueries,
  invoiceActions,
  invoiceQueries,
  invoiceSendActions,
  paymentQueries,
  receivablesQueries,
  unappliedPaymentQueries,
  quoteActions,
  quoteSendActions,
  quoteAnswerActions,
  quoteQueries,
  orderActions,
  orderQueries,
  settingsActions,
  settingsQueries,
  userActions,
  userQueries,
  serviceActions,
  serviceQueries,
  ticketActions,
  ticketLineItemActions,
  ticketClockActions,
  ticketCloseActions,
  ticketQueries,
  ticketAvailability,
  ticketUnbilled,
  closeoutActions,
  closeoutQueries,
  seriesActions,
  seriesQueries,
  templateActions,
  templatePreviewQueries,
  messageActions,
  messageQueries,
  outboxQueries,
  searchQueries,
  recentContactQueries,
  calendarFeedActions,
  calendarFeedQueries,
  agentTokenActions,
  agentTokenQueries,
  segmentActions,
  segmentQueries,
  segmentSendActions,
  analyticsQueries,
]
