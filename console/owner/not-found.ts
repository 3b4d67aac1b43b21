import type { Response } from 'express'
import { AppError } from '../../core/kernel/errors.js'
import { isUuid } from '../../core/kernel/schema-types.js'
import { html } from '../html.js'
import { sendOwnerPage } from './owner-page.js'

/** What an owner's page says of a record it cannot find, and the list it sends the owner back to. */
export interface Missing {
  title: string
  sentence: string
  back: { href: string; label: string }
}

/** No customer by that id in the business (another business's id included). */
export const MISSING_CUSTOMER: Missing = {
  title: 'Customer not found',
  sentence: 'There is no such customer in your business.',
  back: { href: '/customers', label: 'All customers' },
}

/** Answers 404 with an owner's page saying what is missing and linking back to its list. */
export function sendNotFound(res: Response, missing: Missing): void {
  sendOwnerPage(res, missing.title, html`<p>${missing.sentence}</p><p><a href="${missing.back.href}">${missing.back.label}</a></p>`, {
    status: 404,
  })
}

/**
 * A record a page reads by id through a registered query, or null once the 404 page was sent: a query answers NOT_FOUND
 * for an id of no record of the business and VALIDATION_ERROR for one that is no id at all. Any other error is thrown.
 */
export async function readOrNotFound<T>(res: Response, missing: Missing, read: () => Promise<T>): Promise<T | null> {
  try {
    return await read()
  } catch (err) {
    if (!(err instanceof AppError) || !['NOT_FOUND', 'VALIDATION_ERROR'].includes(err.code)) throw err
    sendNotFound(res, missing)
    return null
  }
}

/** A record read by an id from the address, or null when the id is no UUID or the business has no such record; any other error is thrown. */
export async function readOrNull<T>(id: string, read: () => Promise<T>): Promise<T | null> {
  if (!isUuid(id)) return null
  try {
    return await read()
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null
    throw err
  }
}
