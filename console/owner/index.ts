import { readdirSync } from 'node:fs'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Router } from 'express'
import type { Services } from '../../core/context.js'

/** What a page file exports: the routes of its pages, made for the running services. */
type PageRoutes = (services: Services) => Router

const here = fileURLToPath(import.meta.url)

/**
 * Every page file of the owner's console, found by convention: each `*-page` file in a domain folder beside this one
 * exports its routes as a function named `...Page` or `...Pages`. Files are taken in the order of their paths; a page
 * whose path would be taken by an earlier file's `:id` route fails test/console/owner-routes.test.ts.
 */
async function discoverPages(folder: string, extension: string): Promise<PageRoutes[]> {
  const found: PageRoutes[] = []
  const domains = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
  for (const domain of domains) {
    const files = readdirSync(join(folder, domain))
      .filter((f) => f.endsWith(`-page${extension}`))
      .sort()
    for (const file of files) {
      const exports = (await import(pathToFileURL(join(folder, domain, file)).href)) as Record<string, unknown>
      const routes = Object.entries(exports).filter(([name, value]) => /Pages?$/.test(name) && typeof value === 'function')
      if (routes.length !== 1) throw new Error(`Page file ${domain}/${file} must export one function named ...Page or ...Pages`)
      found.push(routes[0][1] as PageRoutes)
    }
  }
  return found
}

/** The owner's page files, found once at start. */
const CONSOLE_PAGES = await discoverPages(dirname(here), extname(here))

/** Every owner page's routes; the app mounts them after the API. */
export function ownerConsolePages(services: Services): Router {
  const router = Router()
  for (const pages of CONSOLE_PAGES) router.use(pages(services))
  return router
}
