import { Router } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { PAGE_FILES } from './page-files.js'

/** What a page file exports: the routes of its pages, made for the running services. */
type PageRoutes = (services: Services) => Router

/**
 * Every page file of the owner's console (the generated index page-files.ts): each `*-page` file in a domain folder
 * beside this one exports its routes as a function named `...Page` or `...Pages`. Files are taken in the order of their
 * paths; a page whose path would be taken by an earlier file's `:id` route fails test/console/owner-routes.test.ts.
 */
function pageRoutes(): PageRoutes[] {
  return Object.entries(PAGE_FILES).map(([file, exports]) => {
    const routes = Object.entries(exports as Record<string, unknown>).filter(
      ([name, value]) => /Pages?$/.test(name) && typeof value === 'function',
    )
    if (routes.length !== 1) throw new Error(`Page file ${file} must export one function named ...Page or ...Pages`)
    return routes[0][1] as PageRoutes
  })
}

/** The owner's page files, read once at start. */
const CONSOLE_PAGES = pageRoutes()

/** Every owner page's routes; the app mounts them after the API. */
export function ownerConsolePages(services: Services): Router {
  const router = Router()
  for (const pages of CONSOLE_PAGES) router.use(pages(services))
  return router
}
