import type { Services } from '../kernel/context.js'
import { DatabaseUnavailableError } from '../kernel/errors.js'
import { log } from '../kernel/log.js'
import { claimDueMessages } from './claim.js'
import { DEFAULT_RETRY, deliverMessage, type DeliveryOutcome, type RetryPolicy } from './deliver.js'
import type { BusinessFailure } from './overdue.js'
import { PASS_JOBS } from './pass-jobs.js'
import type { PassCounts, PeriodicJob } from './periodic-job.js'

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
export interface PassResult extends DeliveryCounts, PassCounts {
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
 * One pass of the periodic jobs: the declared jobs in their order (core/jobs/pass-jobs.ts), the capabilities' jobs beside
 * them, then due messages (the new visits' confirmations among them). A business whose part fails is logged and named in
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
  for (const job of PASS_JOBS) {
    if (job.due && !job.due(services)) continue
    if (job.runs === 'beside') runBeside(services, job.name, () => job.pass(services), job.failure)
    else await runInline(services, job, result)
  }
  // Each capability's jobs run beside the other jobs too: a first sync may take minutes at a provider's rate limit and
  // must not hold up due emails. Their failures are kept where the owner sees them.
  for (const job of services.capabilities.flatMap((c) => c.jobs ?? []))
    runBeside(services, `capability-job-${job.name}`, () => job.pass(services), job.failure)
  try {
    Object.assign(result, await deliverDue(services, options))
  } catch (err) {
    const error = errorText(err)
    log('error', 'delivering due messages failed', { error })
    result.failures.push({ tenant_id: null, job: 'delivery', error })
  }
  return result
}

/** Runs one inline job and adds what it did to the pass's result; a job that fails as a whole is logged and, unless its failure does no harm, named in the result. */
async function runInline(services: Services, job: PeriodicJob, result: PassResult): Promise<void> {
  try {
    const done = await job.pass(services)
    Object.assign(result, done.counts)
    result.failures.push(...done.failures)
  } catch (err) {
    const error = errorText(err)
    log('error', job.failure, { error })
    if (job.reportsFailure !== false) result.failures.push({ tenant_id: null, job: job.name, error })
  }
}

/** Starts work beside the pass, one run per process at a time under its key; its failure as a whole is logged. */
function runBeside(services: Services, key: string, work: () => Promise<unknown>, failure: string): void {
  services.background.join(key, work).catch((err) => log('error', failure, { error: errorText(err) }))
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
