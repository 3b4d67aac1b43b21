import { nightlyBackupsJob } from './backups.js'
import { followUpsJob } from './follow-ups.js'
import { lifecycleJob } from './lifecycle.js'
import { overdueJob } from './overdue.js'
import type { PeriodicJob } from './periodic-job.js'
import { purgeJob } from './purge.js'
import { quotesJob } from './quotes.js'
import { segmentsJob } from './segments.js'
import { seriesJob } from './series.js'
import { upkeepJob } from './upkeep.js'

/**
 * The worker's own jobs in the order a pass runs them; capabilities add theirs (core/kernel/plug-in.ts). Quotes and follow-ups
 * come before delivery, which ends every pass, so what they queue or cancel counts in that same pass.
 */
export const PASS_JOBS: readonly PeriodicJob[] = [
  overdueJob,
  seriesJob,
  quotesJob,
  followUpsJob,
  lifecycleJob,
  segmentsJob,
  purgeJob,
  upkeepJob,
  nightlyBackupsJob,
]
