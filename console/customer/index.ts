import { readdirSync } from 'node:fs'
import { dirname, extname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type RequestHandler, Router } from 'express'
import type { Services } from '../../core/context.js'
import type { LinkGuesses } from '../../core/http/link-guesses.js'
import { type CustomerPage, isCustomerPage } from './page-declaration.js'

const here = fileURLToPath(import.meta.url)

/**
 * Every public page, found by convention: each `*-page` or `*-pages` file beside this one exports one declaration made
 * by defineCustomerPage. Files are taken in the order of their names.
 */
async function discoverPages(folder: string, extension: string): Promise<CustomerPage[]> {
  const found: CustomerPage[] = []
  const files = readdirSync(folder)
    .filter((f) => f.endsWith(`-page${extension}`) || f.endsWith(`-pages${extension}`))
    .sort()
  for (const file of files) {
    const exports = (await import(pathToFileURL(`${folder}/${file}`).href)) as Record<string, unknown>
    const pages = Object.values(exports).filter(isCustomerPage)
    if (pages.length !== 1) throw new Error(`Customer page file ${file} must export one declaration made by defineCustomerPage`)
    found.push(pages[0])
  }
  return found
}

/** The public page files, found once at start. */
const CUSTOMER_PAGES = await discoverPages(dirname(here), extname(here))

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
