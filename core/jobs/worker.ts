import type { Services } from '../context.js'
import { DatabaseUnavailableError } from '../errors.js'
import { log } from '../log.js'
import { backupsDue, nightlyBackups } from './backups.js'
import { claimDueMessages } from './claim.js'
import { DEFAULT_RETRY, deliverMessage, type DeliveryOutcome, type RetryPolicy } from './deliver.js'
import { lifecyclePassDue, refreshLapsedCustomers } from './lifecycle.js'
import { markOverdueInvoices, type BusinessFailure } from './overdue.js'
import { chaseQuotes } from './quotes.js'
import { queueFollowUps } from './follow-ups.js'
import { purgeDue, purgeExpiredCredentials } from './purge.js'
import { syncGoogle } from './google.js'
import { refreshRuleSegments, segmentsPassDue } from './segments.js'
import { generateSeriesVisits } from './series.js'

/** How a worker paces itself. */
export interface WorkerOptions {
  /** Messages claimed (and sent side by side) at a time. */
  batchSize: number
  /** How long a claim holds a message; a worker killed mid-way leaves it to others after this. */
  leaseSeconds: number
  /** The wait between passes once nothing is due. */
  pollMs: number
  retry: RetryPolicy
}

/** Eight at a time, a two-minute lease, a pass every five seconds. */
export const DEFAULT_WORKER: WorkerOptions = { batchSize: 8, leaseSeconds: 120, pollMs: 5000, retry: DEFAULT_RETRY }

/** How many messages ended which way. */
export type DeliveryCounts = Record<DeliveryOutcome, number>

/**
 * What one pass of the periodic jobs did: deliveries by outcome, invoices marked overdue, series visits booked, quote
 * follow-ups made and quotes expired, and what failed for which business.
 */
export interface PassResult extends DeliveryCounts {
  overdue_marked: number
  series_booked: number
  quote_follow_ups: number
  quotes_expired: number
  /** Invoice reminders, quote follow-ups and review requests queued. */
  follow_ups_queued: number
  failures: BusinessFailure[]
}

/** Counts at zero. */
export function noDeliveries(): DeliveryCounts {
  return { sent: 0, retrying: 0, failed: 0, cancelled: 0, lost: 0 }
}

/** Delivers every message due now, batch after batch, until none is left; returns what became of them. */
export async function deliverDue(services: Services, options: Partial<WorkerOptions> = {}): Promise<DeliveryCounts> {
  const opts = { ...DEFAULT_WORKER, ...options }
  const counts = noDeliveries()
  for (;;) {
    const batch = await claimDueMessages(services.db, { limit: opts.batchSize, leaseSeconds: opts.leaseSeconds, now: services.now() })
    if (!batch.length) return counts
    for (const outcome of await Promise.all(batch.map((claim) => deliverMessage(services, claim, opts.retry)))) counts[outcome] += 1
  }
}

/**
 * One pass of the periodic jobs: overdue invoices, recurring visits up to their horizon, quotes to follow up or expire,
 * follow-up emails whose time has come, lapsed customers (daily), rule segments (hourly), dead credentials (hourly), then due messages (the new visits'
 * confirmations among them). A business whose part fails is logged and named in
 * the result, and the others go on; a job that fails as a whole is logged too, and the next pass tries again.
 */
export async function runJobsOnce(services: Services, options: Partial<WorkerOptions> = {}): Promise<PassResult> {
  const result: PassResult = {
    ...noDeliveries(),
    overdue_marked: 0,
    series_booked: 0,
    quote_follow_ups: 0,
    quotes_expired: 0,
    follow_ups_queued: 0,
    failures: [],
  }
  try {
    const overdue = await markOverdueInvoices(services)
    result.overdue_marked = overdue.marked
    result.failures.push(...overdue.failures)
    if (overdue.marked) log('info', 'invoices marked overdue', { count: overdue.marked })
  } catch (err) {
    const error = errorText(err)
    log('error', 'marking overdue invoices failed', { error })
    result.failures.push({ tenant_id: null, job: 'overdue', error })
  }
  try {
    const series = await generateSeriesVisits(services)
    result.series_booked = series.booked
    result.failures.push(...series.failures)
    if (series.booked) log('info', 'series visits booked', { count: series.booked })
  } catch (err) {
    const error = errorText(err)
    log('error', 'booking series visits failed', { error })
    result.failures.push({ tenant_id: null, job: 'series', error })
  }
  try {
    // Before delivery, so an email of a quote that just expired is cancelled rather than sent.
    const quotes = await chaseQuotes(services)
    result.quote_follow_ups = quotes.follow_ups
    result.quotes_expired = quotes.expired
    result.failures.push(...quotes.failures)
    if (quotes.follow_ups || quotes.expired) log('info', 'quotes chased', { follow_ups: quotes.follow_ups, expired: quotes.expired })
  } catch (err) {
    const error = errorText(err)
    log('error', 'chasing quotes failed', { error })
    result.failures.push({ tenant_id: null, job: 'quotes', error })
  }
  try {
    // Before delivery, so a follow-up whose time has come goes in this same pass.
    const followUps = await queueFollowUps(services)
    result.follow_ups_queued = Object.values(followUps.queued).reduce((a, b) => a + b, 0)
    result.failures.push(...followUps.failures)
    if (result.follow_ups_queued) log('info', 'follow-ups queued', { ...followUps.queued })
  } catch (err) {
    const error = errorText(err)
    log('error', 'queueing follow-ups failed', { error })
    result.failures.push({ tenant_id: null, job: 'follow_ups', error })
  }
  if (lifecyclePassDue(services)) {
    try {
      const lifecycle = await refreshLapsedCustomers(services)
      result.failures.push(...lifecycle.failures)
      if (lifecycle.lapsed) log('info', 'customers now past customers', { count: lifecycle.lapsed })
    } catch (err) {
      const error = errorText(err)
      log('error', 'updating customer lifecycles failed', { error })
      result.failures.push({ tenant_id: null, job: 'lifecycle', error })
    }
  }
  if (segmentsPassDue(services)) {
    try {
      result.failures.push(...(await refreshRuleSegments(services)).failures)
    } catch (err) {
      const error = errorText(err)
      log('error', 'recomputing segments failed', { error })
      result.failures.push({ tenant_id: null, job: 'segments', error })
    }
  }
  if (purgeDue(services)) {
    try {
      await purgeExpiredCredentials(services)
    } catch (err) {
      // Dead credentials do no harm; the next hour tries again.
      log('error', 'removing expired credentials failed', { error: errorText(err) })
    }
  }
  // Each capability's jobs run beside the other jobs, one run of each per process at a time: a first sync may take minutes
  // at a provider's rate limit and must not hold up due emails. Their failures are kept where the owner sees them.
  for (const job of services.capabilities.flatMap((c) => c.jobs ?? [])) {
    services.background
      .join(`capability-job-${job.name}`, () => job.pass(services))
      .catch((err) => log('error', job.failure, { error: errorText(err) }))
  }
  // Google syncs the same way, beside the jobs: a calendar's first push may take minutes at Google's rate limit.
  services.background
    .join('google-sync', () => syncGoogle(services))
    .catch((err) => log('error', 'syncing Google failed', { error: errorText(err) }))
  // Nightly backups are made beside the jobs too: a large business's takes minutes, and emails must not wait for it.
  if (backupsDue(services))
    services.background
      .join('nightly-backups', () => nightlyBackups(services))
      .catch((err) => log('error', 'nightly backups failed', { error: errorText(err) }))
  try {
    Object.assign(result, await deliverDue(services, options))
  } catch (err) {
    const error = errorText(err)
    log('error', 'delivering due messages failed', { error })
    result.failures.push({ tenant_id: null, job: 'delivery', error })
  }
  return result
}

/** A worker running in the background, and how to stop it after its current pass. */
export interface RunningWorker {
  /** Totals since it started. */
  readonly counts: DeliveryCounts
  stop(): Promise<void>
}

/**
 * Runs the jobs after `firstPassAfterMs` (now by default) and then every pollMs until stopped; passes never overlap.
 */
export function startWorker(services: Services, options: Partial<WorkerOptions> = {}, firstPassAfterMs = 0): RunningWorker {
  const opts = { ...DEFAULT_WORKER, ...options }
  const counts = noDeliveries()
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let current: Promise<void> = Promise.resolve()
  const pass = () => {
    current = runJobsOnce(services, opts)
      .then((done) => {
        for (const outcome of Object.keys(counts) as DeliveryOutcome[]) counts[outcome] += done[outcome]
        if (done.sent || done.failed || done.retrying || done.cancelled) log('info', 'delivery pass', { ...done })
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(pass, opts.pollMs)
      })
  }
  if (firstPassAfterMs > 0) timer = setTimeout(pass, firstPassAfterMs)
  else pass()
  return {
    counts,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await current
    },
  }
}

/** An error as the operator's log says it: with what the connection said when the database was out of reach. */
function errorText(err: unknown): string {
  if (err instanceof DatabaseUnavailableError && err.reason) return `${err.message} (${err.reason})`
  return err instanceof Error ? err.message : String(err)
}
