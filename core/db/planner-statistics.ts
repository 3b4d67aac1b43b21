import { log } from '../kernel/log.js'
import type { Database } from './types.js'

/** Rows a bulk write must bring in to be worth it: autovacuum's own threshold before it analyzes a table. */
export const ANALYZE_AFTER_ROWS = 50

/**
 * After a bulk write on the embedded engine (an import), the planner's statistics of every table brought up to its
 * size. The embedded engine runs without autovacuum, and its one connection keeps the plans of its statements, its
 * triggers' and its foreign keys' checks until those statistics change: planned while a table was nearly empty, each
 * lookup by id then reads the whole table until the daily upkeep (a note on one of 10,000 imported customers took 36 to
 * 41 ms, against 8 to 12 once analyzed). A server's autovacuum analyzes a grown table on its own. A write of at most
 * ANALYZE_AFTER_ROWS rows is left to the upkeep, so small imports (which an agent may run without asking) never hold
 * the engine for the analyze (about a second with 10,000 customers). A failure is logged: it harms nothing at once.
 */
export async function analyzeAfterBulkWrite(db: Database, rowsWritten: number): Promise<void> {
  if (db.engine !== 'pglite' || rowsWritten <= ANALYZE_AFTER_ROWS) return
  const started = performance.now()
  try {
    await db.exec('analyze')
    log('info', 'embedded database analyzed after an import', { ms: Math.round(performance.now() - started) })
  } catch (err) {
    log('warn', 'analyzing the embedded database after an import failed', { error: err instanceof Error ? err.message : String(err) })
  }
}
