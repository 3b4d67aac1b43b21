import { Router } from 'express'
import type { Services } from '../../core/context.js'
import { settingsPages } from './settings-page.js'
import { teamPages } from './team-page.js'
import { templatePages } from './template-page.js'
import { templatesPages } from './templates-page.js'

/** The owner's console pages (home, calendar, customers, money, leads, settings, numbers, search), one router per page file. */
const CONSOLE_PAGES: Array<(services: Services) => Router> = [
  settingsPages,
  templatesPages,
  templatePages,
  teamPages,
]

/** Every console page's routes; the app mounts them after the API. */
export function ownerConsolePages(services: Services): Router {
  const router = Router()
  for (const pages of CONSOLE_PAGES) router.use(pages(services))
  return router
}
