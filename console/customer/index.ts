import { type RequestHandler, Router } from 'express'
import type { Services } from '../../core/kernel/context.js'
import type { LinkGuesses } from '../../core/http/link-guesses.js'
import { type CustomerPage, isCustomerPage } from './page-declaration.js'
import { PAGE_FILES } from './page-files.js'

/**
 * Every public page (the generated index page-files.ts): each `*-page` or `*-pages` file beside this one exports one
 * declaration made by defineCustomerPage. Files are taken in the order of their names.
 */
function declaredPages(): CustomerPage[] {
  return Object.entries(PAGE_FILES).map(([file, exports]) => {
    const pages = Object.values(exports as Record<string, unknown>).filter(isCustomerPage)
    if (pages.length !== 1) throw new Error(`Customer page file ${file} must export one declaration made by defineCustomerPage`)
    return pages[0]
  })
}

/** The public page files, read once at start. */
const CUSTOMER_PAGES = declaredPages()

/** What a page that declared it counts no guesses is handed: counting one is a mistake in its declaration. */
const NO_GUESSES: LinkGuesses = {
  unknown() {
    throw new Error('This page declared that it counts no link guesses')
  },
}

/** The routes of the public pages mounted at one place in the app: before the body parsers, or after them. */
export function customerPages(services: Services, guesses: LinkGuesses, mount: CustomerPage['mount']): Router {
  const router = Router()
  for (const page of CUSTOMER_PAGES.filter((p) => p.mount === mount))
    router.use(page.routes(services, page.countsGuesses ? guesses : NO_GUESSES))
  return router
}

/** The body parsers public pages need for some of their paths, mounted before the JSON parser. */
export function customerPageBodies(): Router {
  const router = Router()
  for (const page of CUSTOMER_PAGES) if (page.bodies) router.use(page.bodies.path, page.bodies.parser() as RequestHandler)
  return router
}
