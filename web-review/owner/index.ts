import { Router } from 'express'
import type { Services } from '../../core/context.js'
import { searchPages } from './search-page.js'

/** The owner's console pages (home, calendar, customers, money, leads, settings, numbers, search), one router per page file. */
const CONSOLE_PAGES: Array<(services: Services) => Router> = [
  searchPages,
]

/** Every console page's routes; the app mounts them after the API. */
export function ownerConsolePages(services: Services): Router {
  const router = Router()
  for (const pages of CONSOLE_PAGES) router.use(pages(services))
  return router
}
