import type { JobFailure } from '../kernel/plug-in.js'
import type { Services } from '../kernel/context.js'

/** The counts a worker pass adds up besides its deliveries. */
export interface PassCounts {
  overdue_marked: number
  series_booked: number
  quote_follow_ups: number
  quotes_expired: number
  /** Invoice reminders, quote follow-ups and review requests queued. */
  follow_ups_queued: number
}

/** What one run of a periodic job did: the counts it adds to the pass, and the businesses whose part failed. */
export interface JobRun {
  counts?: Partial<PassCounts>
  failures: JobFailure[]
}

/**
 * A job of the worker's pass, declared beside its work (core/jobs/pass-jobs.ts lists them in the order they run). `inline`
 * jobs run one after another before the due emails go out; `beside` jobs run next to them, one run per process at a time,
 * for work that may take minutes (a calendar's first push, a large business's backup).
 */
export interface PeriodicJob {
  /** Its name in logs and in a pass's failures. */
  name: string
  /** What the operator's log says when it fails as a whole. */
  failure: string
  runs: 'inline' | 'beside'
  /** Whether its time has come this pass (hourly or daily work); every pass when absent. */
  due?(services: Services): boolean
  /** False for work whose failure does no harm and the next pass retries: it is logged, not named in the pass's result. */
  reportsFailure?: false
  pass(services: Services): Promise<JobRun>
}
