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
import * as contactLinkActions from './contacts/link-actions.js'
import * as contactMergeActions from './contacts/merge-actions.js'
import * as contactTagActions from './contacts/tag-actions.js'
import * as contactQueries from './contacts/queries.js'
import * as invoiceActions from './invoices/actions.js'
import * as invoiceQueries from './invoices/queries.js'
import * as invoiceSendActions from './invoices/send-actions.js'
import * as paymentQueries from './invoices/payment-queries.js'
import * as receivablesQueries from './invoices/receivables.js'
import * as importActions from './imports/actions.js'
import * as leadActions from './leads/actions.js'
import * as leadQueries from './leads/queries.js'
import * as messageActions from './messages/actions.js'
import * as messageQueries from './messages/queries.js'
import * as outboxQueries from './messages/outbox-queries.js'
import * as templatePreviewQueries from './messages/preview-queries.js'
import * as templateActions from './messages/template-actions.js'
import * as noteActions from './notes/actions.js'
import * as noteQueries from './notes/queries.js'
import * as searchQueries from './search/queries.js'
import * as recentContactQueries from './search/recent-queries.js'
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
export const DOMAIN_MODULES = [contactActions, contactLinkActions, contactMergeActions, contactTagActions, contactQueries, addressActions, addressQueries,
  attributeActions, attributeQueries, noteActions, noteQueries, auditQueries,
  importActions, leadActions, leadQueries, waitlistActions, waitlistQueries, invoiceActions, invoiceQueries, invoiceSendActions, paymentQueries, receivablesQueries,
  settingsActions, settingsQueries, userActions, userQueries, serviceActions, serviceQueries,
  ticketActions, ticketLineItemActions, ticketClockActions, ticketCloseActions, ticketQueries, ticketAvailability, ticketUnbilled,
  closeoutActions, closeoutQueries, seriesActions, seriesQueries,
  templateActions, templatePreviewQueries, messageActions, messageQueries, outboxQueries, searchQueries, recentContactQueries,
  calendarFeedActions, calendarFeedQueries, agentTokenActions, agentTokenQueries,
  analyticsQueries]

