import type { QuickBooksCompany } from '../client/quickbooks.js'
import { QuickBooksError } from '../client/quickbooks.js'
import type { Services } from '../../../kernel/context.js'
import { withTenant } from '../../../db/tenant.js'
import type { Queryable } from '../../../db/types.js'
import { decimalAmountCents } from '../../../vocabulary/money.js'
import type { StoredConnection } from '../connection.js'

/** What one sync did, by kind of record. */
export interface SyncReport {
  customers: { created: number; updated: number; matched: number; renamed: number; failed: number }
  items: { created: number; matched: number; failed: number }
  invoices: { created: number; updated: number; matched: number; voided: number; failed: number; disagreed: number }
  payments_out: { created: number; failed: number }
  payments_in: { recorded: number; skipped: number }
}

/** A report with nothing done yet. */
export function emptyReport(): SyncReport {
  return {
    customers: { created: 0, updated: 0, matched: 0, renamed: 0, failed: 0 },
    items: { created: 0, matched: 0, failed: 0 },
    invoices: { created: 0, updated: 0, matched: 0, voided: 0, failed: 0, disagreed: 0 },
    payments_out: { created: 0, failed: 0 },
    payments_in: { recorded: 0, skipped: 0 },
  }
}

/** One sync of one business's company: who it is for, the company reached, and what it did so far. */
export interface SyncRun {
  services: Services
  tenantId: string
  realmId: string
  connection: StoredConnection
  company: QuickBooksCompany
  report: SyncReport
  /** Keeps the company for this sync a while longer (between batches). */
  renewLease(): Promise<void>
  /** Runs fn in a short transaction of the business, as the system. */
  inBusiness<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
}

/** Makes the run's transaction helper for a business. */
export function businessTransactions(services: Services, tenantId: string, requestId: string) {
  return <T>(fn: (tx: Queryable) => Promise<T>) => withTenant(services.db, { tenantId, actorType: 'system', requestId }, fn)
}

/** Records handled side by side: the client keeps under QuickBooks' limits; this keeps the database's work in step. */
export const SIDE_BY_SIDE = 6

/** Runs fn over items, at most `width` at a time; the first error stops new work and is thrown once the rest settle. */
export async function eachLimited<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failure: unknown = null
  const lane = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++]
      try {
        await fn(item)
      } catch (err) {
        failure ??= err
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane))
  if (failure !== null) throw failure
}

/** True for QuickBooks' refusal of this record (it must change); false for trouble that may pass (throttling, 5xx, network). */
export function refusedRecord(err: unknown): err is QuickBooksError {
  return err instanceof QuickBooksError && !err.retryable && err.code !== 'unauthorized'
}

/** QuickBooks' amounts have two decimals; ours are integer cents. */
export function amountOf(cents: number): number {
  return Math.round(cents) / 100
}

/** Cents of a QuickBooks amount (a number or a decimal string), by the product's one amount rule; an amount that is none is QuickBooks' fault. */
export function centsOf(amount: unknown): number {
  const cents = typeof amount === 'number' || typeof amount === 'string' ? decimalAmountCents(amount) : null
  if (cents === null)
    throw new QuickBooksError({
      message: `QuickBooks sent an amount that is not one: ${JSON.stringify(amount) ?? 'nothing'}`,
      status: 200,
      code: 'amount',
      faultType: 'response',
      retryable: true,
    })
  return cents
}

/** A value quoted for QuickBooks' query language. */
export function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}
