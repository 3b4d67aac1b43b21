import type { Caller } from '../../kernel/call-action.js'
import { callQuery } from '../../kernel/call-query.js'
import { waysToPay, type WaysToPay } from './ways-to-pay.js'
import { addServiceCall } from '../services/missing-service.js'
import { servicesQuery } from '../services/queries.js'
import { settingsQuery } from './queries.js'

/*
 * What a business lacks before its everyday work can run: services to book, and a way for its invoices to be paid. A
 * new business has neither, and nothing failed yet to say so; the first start's banner, the owner's Home and the
 * agent's daily_briefing say it, each in its reader's words, until it is done.
 */

/** What the business still lacks; each true while it does. */
export interface SetupGaps {
  /** No active service in the catalog: nothing can be booked by service. */
  noServices: boolean
  /** Online payments off and no payment instructions: no invoice can be emailed. */
  noWayToPay: boolean
}

/** The gaps, from whether the catalog holds an active service and how invoices can be paid. */
export function setupGaps(hasService: boolean, ways: WaysToPay): SetupGaps {
  return { noServices: !hasService, noWayToPay: !ways.online && !ways.instructions }
}

/** Reads what the business lacks through its registered queries, as the caller (the owner, an agent or the system). */
export async function readSetupGaps(caller: Caller): Promise<SetupGaps> {
  const [catalog, settings] = await Promise.all([
    callQuery(caller, servicesQuery, { limit: 1 }),
    callQuery(caller, settingsQuery, { limit: 1 }),
  ])
  return setupGaps(catalog.items.length > 0, waysToPay(caller.services, settings.items[0]))
}

/** The gaps as the agent reads them in daily_briefing: what is missing and the call or the owner's page that fills it. */
export function setupGapLines(gaps: SetupGaps): string[] {
  return [
    ...(gaps.noServices
      ? [
          'Setup: the catalog has no services, so nothing can be booked: add each service the owner offers with ' +
            `${addServiceCall()} (their names, prices and lengths)`,
        ]
      : []),
    ...(gaps.noWayToPay
      ? [
          'Setup: invoices carry no way to pay (online payments off, no payment_instructions), so none can be emailed: ' +
            "the owner writes payment instructions at /settings (settings.update payment_instructions waits for the owner's approval)",
        ]
      : []),
  ]
}

/** The gaps as the first start's banner says them to whoever started the server, with the pages that fill them. */
export function setupGapBannerLines(gaps: SetupGaps, base: string): string[] {
  return [
    ...(gaps.noServices
      ? [
          `  services: the catalog is empty, so nothing can be booked: add your services with their prices and lengths at ${base}/services ` +
            `(or import Square's item library at ${base}/import; an agent adds one with service.create)`,
        ]
      : []),
    ...(gaps.noWayToPay
      ? [
          '  payments: invoices carry no way to pay (no STRIPE_SECRET_KEY, no payment instructions), so none can be emailed: ' +
            `write how customers pay you (checks payable to, bank details) at ${base}/settings`,
        ]
      : []),
  ]
}
