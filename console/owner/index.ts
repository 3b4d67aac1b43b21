import { Router } from 'express'
import type { Services } from '../../core/context.js'
import { analyticsPages } from './analytics/analytics-page.js'
import { customerEmailPages } from './contacts/customer-email-page.js'
import { customerErasePages } from './privacy/customer-erase-page.js'
import { customerExportPages } from './privacy/customer-export-page.js'
import { customFieldsPages } from './custom-fields/custom-fields-page.js'
import { recordFieldsPages } from './custom-fields/record-fields-page.js'
import { customerMergePages } from './contacts/customer-merge-page.js'
import { customersPages } from './contacts/customers-page.js'
import { documentsPages } from './documents/documents-page.js'
import { homePages } from './home/home-page.js'
import { invoicePages } from './invoices/invoice-page.js'
import { interactionsPages } from './interactions/interactions-page.js'
import { invoicesPages } from './invoices/invoices-page.js'
import { leadPages } from './leads/lead-page.js'
import { ordersPages } from './orders/orders-page.js'
import { quotesPages } from './quotes/quotes-page.js'
import { leadsPages } from './leads/leads-page.js'
import { opportunityPages } from './opportunities/opportunity-page.js'
import { pipelinePages } from './opportunities/pipeline-page.js'
import { relationshipsPages } from './contacts/relationships-page.js'
import { schedulePages } from './tickets/schedule-page.js'
import { searchPages } from './search/search-page.js'
import { segmentsPages } from './segments/segments-page.js'
import { servicesPages } from './services/services-page.js'
import { settingsPages } from './settings/settings-page.js'
import { teamPages } from './users/team-page.js'
import { templatePages } from './messages/template-page.js'
import { templatesPages } from './messages/templates-page.js'
import { visitActionsPages } from './tickets/visit-actions-page.js'
import { waitlistPages } from './waitlist/waitlist-page.js'

/** The owner's console pages (home, calendar, customers, money, leads, pipeline, settings, numbers, search), one router per page file. */
const CONSOLE_PAGES: Array<(services: Services) => Router> = [
  homePages,
  schedulePages,
  customerMergePages,
  customersPages,
  invoicesPages,
  invoicePages,
  quotesPages,
  ordersPages,
  leadsPages,
  leadPages,
  pipelinePages,
  opportunityPages,
  waitlistPages,
  servicesPages,
  settingsPages,
  templatesPages,
  templatePages,
  teamPages,
  analyticsPages,
  searchPages,
  visitActionsPages,
  customerEmailPages,
  interactionsPages,
  documentsPages,
  customerExportPages,
  customerErasePages,
  customFieldsPages,
  recordFieldsPages,
  relationshipsPages,
  segmentsPages,
]

/** Every console page's routes; the app mounts them after the API. */
export function ownerConsolePages(services: Services): Router {
  const router = Router()
  for (const pages of CONSOLE_PAGES) router.use(pages(services))
  return router
}
