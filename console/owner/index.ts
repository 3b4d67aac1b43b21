import { Router } from 'express'
import type { Services } from '../../core/context.js'
import { analyticsPages } from './analytics-page.js'
import { customerEmailPages } from './customer-email-page.js'
import { customerErasePages } from './customer-erase-page.js'
import { customerExportPages } from './customer-export-page.js'
import { customFieldsPages } from './custom-fields-page.js'
import { recordFieldsPages } from './record-fields-page.js'
import { customersPages } from './customers-page.js'
import { documentsPages } from './documents-page.js'
import { homePages } from './home-page.js'
import { invoicePages } from './invoice-page.js'
import { interactionsPages } from './interactions-page.js'
import { invoicesPages } from './invoices-page.js'
import { leadPages } from './lead-page.js'
import { ordersPages } from './orders-page.js'
import { quotesPages } from './quotes-page.js'
import { leadsPages } from './leads-page.js'
import { opportunityPages } from './opportunity-page.js'
import { pipelinePages } from './pipeline-page.js'
import { relationshipsPages } from './relationships-page.js'
import { schedulePages } from './schedule-page.js'
import { searchPages } from './search-page.js'
import { segmentsPages } from './segments-page.js'
import { servicesPages } from './services-page.js'
import { settingsPages } from './settings-page.js'
import { teamPages } from './team-page.js'
import { templatePages } from './template-page.js'
import { templatesPages } from './templates-page.js'
import { visitActionsPages } from './visit-actions-page.js'
import { waitlistPages } from './waitlist-page.js'

/** The owner's console pages (home, calendar, customers, money, leads, pipeline, settings, numbers, search), one router per page file. */
const CONSOLE_PAGES: Array<(services: Services) => Router> = [
  homePages,
  schedulePages,
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
