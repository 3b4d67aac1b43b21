import { loadConfig } from '../core/kernel/config.js'
import type { DeliveryCounts, PassResult, WorkerOptions } from '../core/jobs/worker.js'
import { log, setLogLevel } from '../core/kernel/log.js'
import { parseCommandArgs, productServices, UsageError, withDatabase } from './command.js'

/** `crm worker`: sends due messages and runs the periodic jobs, as a process of its own (any number of them on one PostgreSQL). */
export async function runWorker(argv: string[]): Promise<string> {
  const { values } = parseCommandArgs(argv, {
    drain: { type: 'boolean' },
    'batch-size': { type: 'string' },
    'lease-seconds': { type: 'string' },
    json: { type: 'boolean' },
  })
  const options: Partial<WorkerOptions> = {}
  if (values['batch-size'] !== undefined) options.batchSize = wholeNumber('batch-size', values['batch-size'])
  if (values['lease-seconds'] !== undefined) options.leaseSeconds = wholeNumber('lease-seconds', values['lease-seconds'])
  const config = loadConfig()
  const counts = await withDatabase('worker', async (db) => {
    // The jobs' code loads here, when the command runs: the other commands start without it.
    const { runJobsOnce, startWorker } = await import('../core/jobs/worker.js')
    const services = await productServices(db, config)
    if (values.drain) {
      const pass = await runJobsOnce(services, options)
      // Capabilities' jobs (a sync) run beside the other jobs; a drain waits for them before the database closes.
      await services.background.settled()
      return pass
    }
    // A long-running process: its log lines are how the operator sees it work.
    if (!values.json) setLogLevel(config.logLevel)
    log('info', 'worker started: sending due emails until stopped (Ctrl-C)', { email: services.email.describe() })
    const worker = startWorker(services, options)
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await worker.stop()
    return worker.counts
  })
  if (values.json) return JSON.stringify(counts)
  return summary(counts, values.drain ? 'Delivered what was due' : 'Stopped')
}

function wholeNumber(option: string, value: unknown): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${option} must be a whole number of at least 1, got ${String(value)}`, `--${option}`)
  return n
}

function summary(c: DeliveryCounts & Partial<PassResult>, lead: string): string {
  const failed = (c.failures ?? []).map((f) => `\n${f.job} failed${f.tenant_id ? ` for business ${f.tenant_id}` : ''}: ${f.error}`).join('')
  return (
    `${lead}: ${c.sent} sent, ${c.retrying} to retry later, ${c.failed} failed, ${c.cancelled} cancelled` +
    (c.lost ? `, ${c.lost} taken over by another worker` : '') +
    '.' +
    (c.overdue_marked ? ` ${c.overdue_marked} invoice(s) marked overdue.` : '') +
    (c.series_booked ? ` ${c.series_booked} recurring visit(s) booked.` : '') +
    failed
  )
}
