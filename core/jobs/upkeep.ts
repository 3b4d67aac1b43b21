import type { Services } from '../kernel/context.js'
import { log } from '../kernel/log.js'
import type { PeriodicJob } from './periodic-job.js'

/** How often the embedded database is vacuumed and analyzed. */
export const UPKEEP_EVERY_MS = 24 * 60 * 60 * 1000

/** The first upkeep of a process waits this long after its worker's first pass, so a start is not slowed by it. */
export const UPKEEP_FIRST_AFTER_MS = 60 * 60 * 1000

/** When each set of services is next due, set at its first look. */
const nextUpkeep = new WeakMap<Services, number>()

/**
 * Whether the embedded database's upkeep is due. The embedded engine runs in one process, where PostgreSQL's autovacuum
 * never runs: without this its tables are never analyzed (the planner guesses their sizes and values) and their dead
 * rows never cleared. A server's own autovacuum does this there (`crm doctor` warns when it is off).
 */
export function upkeepDue(services: Services): boolean {
  if (services.db.engine !== 'pglite') return false
  const now = services.now().getTime()
  const due = nextUpkeep.get(services)
  if (due === undefined) {
    nextUpkeep.set(services, now + UPKEEP_FIRST_AFTER_MS)
    return false
  }
  return now >= due
}

/** Vacuums and analyzes every table of the embedded database (140 ms for 50,000 rows); how long it took, in ms. */
export async function upkeepEmbedded(services: Services): Promise<number> {
  nextUpkeep.set(services, services.now().getTime() + UPKEEP_EVERY_MS)
  const started = performance.now()
  await services.db.exec('vacuum (analyze)')
  const ms = Math.round(performance.now() - started)
  log('info', 'embedded database vacuumed and analyzed', { ms })
  return ms
}

/** Daily, on the embedded engine: its tables vacuumed and analyzed. A failure harms nothing at once; the next day tries again. */
export const upkeepJob: PeriodicJob = {
  name: 'upkeep',
  failure: 'vacuuming and analyzing the embedded database failed',
  runs: 'inline',
  due: upkeepDue,
  reportsFailure: false,
  async pass(services) {
    await upkeepEmbedded(services)
    return { failures: [] }
  },
}
