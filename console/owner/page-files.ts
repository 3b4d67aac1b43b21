// Generated from the folders beside it by cli/file-indexes.mjs (every build, and npm run generate): do not edit.
// test/architecture/file-indexes.test.ts fails when it no longer matches the folders.
import * as agentTokensConnectionsPage from './agent-tokens/connections-page.js'
import * as agentTokensOauthConsentPage from './agent-tokens/oauth-consent-page.js'
import * as analyticsAnalyticsPage from './analytics/analytics-page.js'
import * as autopayCardFormsPage from './autopay/card-forms-page.js'
import * as autopayFailedPaymentsPage from './autopay/failed-payments-page.js'
import * as contactsCustomerEmailPage from './contacts/customer-email-page.js'
import * as contactsCustomerMergePage from './contacts/customer-merge-page.js'
import * as contactsCustomersPage from './contacts/customers-page.js'
import * as contactsRelationshipsPage from './contacts/relationships-page.js'
import * as customFieldsCustomFieldsPage from './custom-fields/custom-fields-page.js'
import * as customFieldsRecordFieldsPage from './custom-fields/record-fields-page.js'
import * as documentsDocumentsPage from './documents/documents-page.js'
import * as homeHomePage from './home/home-page.js'
import * as importsImportPage from './imports/import-page.js'
import * as inboundEmailInboundEmailPage from './inbound-email/inbound-email-page.js'
import * as interactionsInteractionsPage from './interactions/interactions-page.js'
import * as invoicesInvoicePage from './invoices/invoice-page.js'
import * as invoicesInvoicesPage from './invoices/invoices-page.js'
import * as leadsLeadListPage from './leads/lead-list-page.js'
import * as leadsLeadPage from './leads/lead-page.js'
import * as messagesOutboxPage from './messages/outbox-page.js'
import * as messagesScheduledMessagesPage from './messages/scheduled-messages-page.js'
import * as messagesTemplateListPage from './messages/template-list-page.js'
import * as messagesTemplatePage from './messages/template-page.js'
import * as neighborhoodsNeighborhoodsPage from './neighborhoods/neighborhoods-page.js'
import * as openingsOpeningsPage from './openings/openings-page.js'
import * as opportunitiesOpportunityPage from './opportunities/opportunity-page.js'
import * as opportunitiesPipelinePage from './opportunities/pipeline-page.js'
import * as ordersOrdersPage from './orders/orders-page.js'
import * as partnersPartnersPage from './partners/partners-page.js'
import * as plansCustomerPlansPage from './plans/customer-plans-page.js'
import * as plansPlansPage from './plans/plans-page.js'
import * as privacyCustomerErasePage from './privacy/customer-erase-page.js'
import * as privacyCustomerExportPage from './privacy/customer-export-page.js'
import * as quickbooksQuickbooksPage from './quickbooks/quickbooks-page.js'
import * as quotesQuotesPage from './quotes/quotes-page.js'
import * as reachOutsReachOutsPage from './reach-outs/reach-outs-page.js'
import * as recurringInvoicesRecurringInvoicesPage from './recurring-invoices/recurring-invoices-page.js'
import * as reviewEditPage from './review/edit-page.js'
import * as reviewPermissionsPage from './review/permissions-page.js'
import * as reviewReviewPage from './review/review-page.js'
import * as routesRoutesPage from './routes/routes-page.js'
import * as searchSearchPage from './search/search-page.js'
import * as segmentsSegmentsPage from './segments/segments-page.js'
import * as seriesSeriesPage from './series/series-page.js'
import * as servicesServicesPage from './services/services-page.js'
import * as settingsGoogleChangesPage from './settings/google-changes-page.js'
import * as settingsGoogleContactsPage from './settings/google-contacts-page.js'
import * as settingsGoogleGmailPage from './settings/google-gmail-page.js'
import * as settingsGooglePage from './settings/google-page.js'
import * as settingsLogoPage from './settings/logo-page.js'
import * as settingsRequestPagePage from './settings/request-page-page.js'
import * as settingsSettingsPage from './settings/settings-page.js'
import * as textsTextsPage from './texts/texts-page.js'
import * as ticketsSchedulePage from './tickets/schedule-page.js'
import * as ticketsVisitActionsPage from './tickets/visit-actions-page.js'
import * as timesheetsTimesheetsPage from './timesheets/timesheets-page.js'
import * as usersTeamPage from './users/team-page.js'
import * as waitlistWaitlistPage from './waitlist/waitlist-page.js'

/** Every owner page file (`*-page` in a domain's folder), by path. */
export const PAGE_FILES = {
  'agent-tokens/connections-page.ts': agentTokensConnectionsPage,
  'agent-tokens/oauth-consent-page.ts': agentTokensOauthConsentPage,
  'analytics/analytics-page.ts': analyticsAnalyticsPage,
  'autopay/card-forms-page.ts': autopayCardFormsPage,
  'autopay/failed-payments-page.ts': autopayFailedPaymentsPage,
  'contacts/customer-email-page.ts': contactsCustomerEmailPage,
  'contacts/customer-merge-page.ts': contactsCustomerMergePage,
  'contacts/customers-page.ts': contactsCustomersPage,
  'contacts/relationships-page.ts': contactsRelationshipsPage,
  'custom-fields/custom-fields-page.ts': customFieldsCustomFieldsPage,
  'custom-fields/record-fields-page.ts': customFieldsRecordFieldsPage,
  'documents/documents-page.ts': documentsDocumentsPage,
  'home/home-page.ts': homeHomePage,
  'imports/import-page.ts': importsImportPage,
  'inbound-email/inbound-email-page.ts': inboundEmailInboundEmailPage,
  'interactions/interactions-page.ts': interactionsInteractionsPage,
  'invoices/invoice-page.ts': invoicesInvoicePage,
  'invoices/invoices-page.ts': invoicesInvoicesPage,
  'leads/lead-list-page.ts': leadsLeadListPage,
  'leads/lead-page.ts': leadsLeadPage,
  'messages/outbox-page.ts': messagesOutboxPage,
  'messages/scheduled-messages-page.ts': messagesScheduledMessagesPage,
  'messages/template-list-page.ts': messagesTemplateListPage,
  'messages/template-page.ts': messagesTemplatePage,
  'neighborhoods/neighborhoods-page.ts': neighborhoodsNeighborhoodsPage,
  'openings/openings-page.ts': openingsOpeningsPage,
  'opportunities/opportunity-page.ts': opportunitiesOpportunityPage,
  'opportunities/pipeline-page.ts': opportunitiesPipelinePage,
  'orders/orders-page.ts': ordersOrdersPage,
  'partners/partners-page.ts': partnersPartnersPage,
  'plans/customer-plans-page.ts': plansCustomerPlansPage,
  'plans/plans-page.ts': plansPlansPage,
  'privacy/customer-erase-page.ts': privacyCustomerErasePage,
  'privacy/customer-export-page.ts': privacyCustomerExportPage,
  'quickbooks/quickbooks-page.ts': quickbooksQuickbooksPage,
  'quotes/quotes-page.ts': quotesQuotesPage,
  'reach-outs/reach-outs-page.ts': reachOutsReachOutsPage,
  'recurring-invoices/recurring-invoices-page.ts': recurringInvoicesRecurringInvoicesPage,
  'review/edit-page.ts': reviewEditPage,
  'review/permissions-page.ts': reviewPermissionsPage,
  'review/review-page.ts': reviewReviewPage,
  'routes/routes-page.ts': routesRoutesPage,
  'search/search-page.ts': searchSearchPage,
  'segments/segments-page.ts': segmentsSegmentsPage,
  'series/series-page.ts': seriesSeriesPage,
  'services/services-page.ts': servicesServicesPage,
  'settings/google-changes-page.ts': settingsGoogleChangesPage,
  'settings/google-contacts-page.ts': settingsGoogleContactsPage,
  'settings/google-gmail-page.ts': settingsGoogleGmailPage,
  'settings/google-page.ts': settingsGooglePage,
  'settings/logo-page.ts': settingsLogoPage,
  'settings/request-page-page.ts': settingsRequestPagePage,
  'settings/settings-page.ts': settingsSettingsPage,
  'texts/texts-page.ts': textsTextsPage,
  'tickets/schedule-page.ts': ticketsSchedulePage,
  'tickets/visit-actions-page.ts': ticketsVisitActionsPage,
  'timesheets/timesheets-page.ts': timesheetsTimesheetsPage,
  'users/team-page.ts': usersTeamPage,
  'waitlist/waitlist-page.ts': waitlistWaitlistPage,
} as const
