import type { OperationContext, Principal, Services } from '../../kernel/context.js'
import { analyzeAfterBulkWrite } from '../../db/planner-statistics.js'
import { withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { log } from '../../kernel/log.js'
import { scopeOf } from '../../kernel/operations-context.js'
import { setClause } from '../../kernel/sql.js'
import { planMappedCustomers, type MappedPlan } from './csv-customers.js'
import { importMappedInBatches, plannedInBatches, reportOf } from './import-mapped.js'
import { planSquareCustomers, type PlannedRow } from './square-customers.js'
import { uploadFile } from './uploads.js'

/** Rows per transaction of a dry run: a chunk the writer checks at once. */
const CHECK_BATCH_ROWS = 500
/** Rows per batch of a real run: each batch is committed on its own and moves the progress on. */
const RUN_BATCH_ROWS = 100

/** What the page or the log says when the database stopped a batch for a reason of its own. */
const DATABASE_STOPPED = 'the database did not take a batch; see the server log'

/** Thrown when a newer dry run of the same upload took over: this one stops writing. */
class Superseded extends Error {}

/**
 * Starts the upload's dry run (attempt `attempt`) once the caller's transaction has committed, without waiting for it:
 * the call answers at once, and the work writes its own progress and outcome (it never throws).
 */
export function checkAfterCommit(ctx: OperationContext, uploadId: string, attempt: number): void {
  const principal = { tenantId: ctx.tenantId, actor: ctx.actor }
  ctx.afterCommit(async () => {
    ctx.services.background.start(checkUpload(ctx.services, principal, uploadId, attempt, ctx.requestId))
  })
}

/** Starts the upload's import once the caller's transaction has committed, without waiting for it (as checkAfterCommit). */
export function runAfterCommit(ctx: OperationContext, uploadId: string): void {
  const principal = { tenantId: ctx.tenantId, actor: ctx.actor }
  ctx.afterCommit(async () => {
    ctx.services.background.start(runUpload(ctx.services, principal, uploadId, ctx.requestId))
  })
}

/** The rows of the file as its kind reads them (the mapped plan too, for a CSV); an AppError says what is wrong with the file. */
export function planOf(upload: { kind: string; csv: string; mapping: Record<string, string> | null; source: string }): {
  rows: PlannedRow[]
  mapped: MappedPlan | null
} {
  if (upload.kind === 'square_customers') return { rows: planSquareCustomers(upload.csv), mapped: null }
  const mapped = planMappedCustomers(upload.csv, upload.mapping ?? undefined, upload.source)
  return { rows: mapped.rows, mapped }
}

/**
 * The dry run: the file planned, then checked in batches of a transaction each (rolled back), the rows done written
 * after each batch; at the end the report, or why it could not be made. A newer attempt makes this one stop.
 */
async function checkUpload(services: Services, principal: Principal, id: string, attempt: number, requestId: string): Promise<void> {
  const write = (fields: Record<string, unknown>) => writeCheck(services, principal, requestId, id, attempt, fields)
  try {
    const upload = await inTenant(services, principal, requestId, (tx) => uploadFile(tx, id))
    let plan: ReturnType<typeof planOf>
    try {
      plan = planOf(upload)
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      await write({ check_status: 'refused', problem: err.message })
      return
    }
    const mapping = plan.mapped ? JSON.stringify(plan.mapped.mapping) : undefined
    if (!(await write({ check_total: plan.rows.length, mapping }))) return
    const report = await plannedInBatches(services, principal, plan.rows, {
      source: upload.source,
      dryRun: true,
      batchSize: CHECK_BATCH_ROWS,
      requestId,
      onProgress: async (done: number) => {
        if (!(await write({ check_done: done }))) throw new Superseded()
      },
    })
    const full = plan.mapped ? reportOf(plan.mapped, upload.source, report) : report
    await write({ check_status: 'checked', check_done: report.total, check_report: JSON.stringify(full) })
  } catch (err) {
    if (err instanceof Superseded) return
    log('error', 'import check stopped', { request_id: requestId, upload_id: id, error: err instanceof Error ? err.message : String(err) })
    await write({ check_status: 'failed', problem: err instanceof AppError ? err.message : DATABASE_STOPPED }).catch(() => false)
  }
}

/** The import: in batches of a transaction each (what was imported stays if a later batch fails), the rows done written after each. */
async function runUpload(services: Services, principal: Principal, id: string, requestId: string): Promise<void> {
  const write = (fields: Record<string, unknown>) =>
    inTenant(services, principal, requestId, (tx) => updateUpload(tx, id, fields, `run_status = 'running'`))
  try {
    const upload = await inTenant(services, principal, requestId, (tx) => uploadFile(tx, id))
    const plan = planOf(upload)
    const opts = { source: upload.source, batchSize: RUN_BATCH_ROWS, requestId, onProgress: (done: number) => write({ run_done: done }) }
    const report = plan.mapped
      ? await importMappedInBatches(services, principal, plan.mapped, { ...opts, dryRun: false })
      : await plannedInBatches(services, principal, plan.rows, { ...opts, dryRun: false })
    await analyzeAfterBulkWrite(services.db, report.created)
    await write({ run_status: 'done', run_done: report.total, run_report: JSON.stringify(report) })
  } catch (err) {
    log('error', 'import stopped', { request_id: requestId, upload_id: id, error: err instanceof Error ? err.message : String(err) })
    await write({ run_status: 'failed', run_error: err instanceof AppError ? err.message : DATABASE_STOPPED }).catch(() => false)
  }
}

/** Writes the dry run's fields while attempt `attempt` is still the one checking; false when another took over (or it ended). */
function writeCheck(
  services: Services,
  principal: Principal,
  requestId: string,
  id: string,
  attempt: number,
  fields: Record<string, unknown>,
) {
  return inTenant(services, principal, requestId, (tx) =>
    updateUpload(tx, id, fields, `check_status = 'checking' and check_attempt = ${Number(attempt)}`),
  )
}

/** Sets the given fields of an upload when `still` (SQL) holds; whether it did. */
async function updateUpload(tx: Queryable, id: string, fields: Record<string, unknown>, still: string): Promise<boolean> {
  const { sets, values } = setClause(fields)
  values.push(id)
  const r = await tx.query(`update import_uploads set ${sets.join(', ')} where id = $${values.length} and ${still}`, values)
  return (r.rowCount ?? 0) > 0
}

/** Runs fn in a transaction of the upload's business, as the person or agent who started the work. */
function inTenant<T>(services: Services, principal: Principal, requestId: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return withTenant(services.db, scopeOf(principal, requestId), fn)
}
