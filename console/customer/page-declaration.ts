import type { RequestHandler, Router } from 'express'
import type { Services } from '../../core/kernel/context.js'
import type { LinkGuesses } from '../../core/http/link-guesses.js'

/** How a public page is mounted, and what it needs from the app around it. */
export interface CustomerPage {
  /**
   * `before_bodies`: its routes read no body, so they are mounted before any body parser and a link opens whatever a
   * client sends with it; `after_bodies`: its forms are read by the JSON and form parsers.
   */
  mount: 'before_bodies' | 'after_bodies'
  /** Whether the page takes a secret from its address, so an unknown one counts with the client's other link guesses. */
  countsGuesses: boolean
  /** A body parser for some of its paths, mounted before the JSON parser. */
  bodies?: { path: string | RegExp; parser: () => RequestHandler }
  /** The page's routes, made for the running services. */
  routes(services: Services, guesses: LinkGuesses): Router
}

/** Every page declared so far, so declarations can be told from other exports. */
const DECLARED = new WeakSet<object>()

/** Whether a value is a page made by defineCustomerPage. */
export function isCustomerPage(value: unknown): value is CustomerPage {
  return typeof value === 'object' && value !== null && DECLARED.has(value)
}

/** Declares a public page for customers (or an owner answering from an email): found by console/customer/index.ts. */
export function defineCustomerPage(page: CustomerPage): CustomerPage {
  DECLARED.add(page)
  return page
}
