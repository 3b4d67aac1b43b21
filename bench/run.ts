import { unreachableReason } from './postgres-server.js'
import { approvalEmail } from './scenarios/approval-email.js'
import { loadBenchSettings, type BenchSettings, type Scenario } from './scenario.js'
import { closeoutPages } from './scenarios/closeout-pages.js'
import { requestPage } from './scenarios/request-page.js'
import { contactCreate } from './scenarios/contact-create.js'
import { delivery } from './scenarios/delivery.js'
import { texts } from './scenarios/texts.js'
import { demoLoadPglite, demoLoadPostgres } from './scenarios/demo-load.js'
import { outputCheck } from './scenarios/output-check.js'
import { enginesUnderLoad } from './scenarios/engines-under-load.js'
import { backupScenario } from './scenarios/backup.js'
import { balancer } from './scenarios/balancer.js'
import { findCustomerPglite, findCustomerPostgres } from './scenarios/find-customer.js'
import { geocodingImport } from './scenarios/geocoding.js'
import { routeSavings } from './scenarios/route-savings.js'
import { openingsPostgres } from './scenarios/openings.js'
import { lifecycle } from './scenarios/lifecycle.js'
import { officeTasks } from './scenarios/office-tasks.js'
import { listFiltersPglite, listFiltersPostgres } from './scenarios/list-filters.js'
import { mcpSize } from './scenarios/mcp-size.js'
import { ownerPagesPglite, ownerPagesPostgres } from './scenarios/owner-pages.js'
import { googleCalendarMonth } from './scenarios/google-calendar.js'
import { quickbooksFirstSync } from './scenarios/quickbooks-sync.js'
import { briefingSize } from './scenarios/briefing-size.js'
import { searchPglite, searchPostgres } from './scenarios/search.js'
import { startScenario } from './scenarios/start.js'
import { statementLimit } from './scenarios/statement-limit.js'
import { squareImportPglite, squareImportPostgres } from './scenarios/square-import.js'
import { ticketCreate } from './scenarios/ticket-create.js'
import { noteAdd } from './scenarios/note-add.js'
import { planCharges } from './scenarios/plan-charges.js'
import { serverMemory } from './scenarios/server-memory.js'
import { releaseSharedBusinesses } from './shared-businesses.js'
import { formatTable } from './table.js'

/** Every scenario `npm run bench` runs, in order. */
const ALL: Scenario[] = [
  startScenario,
  mcpSize,
  lifecycle,
  briefingSize,
  demoLoadPglite,
  demoLoadPostgres,
  outputCheck,
  contactCreate,
  ticketCreate,
  noteAdd,
  enginesUnderLoad,
  balancer,
  searchPostgres,
  searchPglite,
  delivery,
  texts,
  closeoutPages,
  requestPage,
  approvalEmail,
  squareImportPostgres,
  squareImportPglite,
  geocodingImport,
  routeSavings,
  openingsPostgres,
  ownerPagesPostgres,
  ownerPagesPglite,
  findCustomerPostgres,
  findCustomerPglite,
  listFiltersPostgres,
  listFiltersPglite,
  statementLimit,
  quickbooksFirstSync,
  googleCalendarMonth,
  backupScenario,
  serverMemory,
  officeTasks,
  planCharges,
]

/**
 * BENCH_ONLY (comma-separated names) runs exactly the scenarios named: a whole name ("search (PostgreSQL)") or a name
 * without its engine ("search" is both engines' search and nothing else).
 */
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((w) => w.trim().toLowerCase())
  .filter(Boolean)
const named = (s: Scenario, w: string) => s.name.toLowerCase() === w || s.name.toLowerCase().replace(/ \([^)]*\)$/, '') === w
const unknown = only.filter((w) => !ALL.some((s) => named(s, w)))
const scenarios = only.length ? ALL.filter((s) => only.some((w) => named(s, w))) : ALL

/** `npm run bench`: runs each scenario and prints one table; a scenario that cannot set up makes the exit code 1. */
async function main(): Promise<number> {
  if (unknown.length) {
    process.stderr.write(`bench: no scenario named ${unknown.join(', ')}; the scenarios are: ${ALL.map((s) => s.name).join(', ')}\n`)
    return 1
  }
  let settings: BenchSettings
  try {
    settings = loadBenchSettings()
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`)
    return 1
  }
  const postgresDown = scenarios.some((s) => s.needs === 'postgres') ? await unreachableReason(settings.databaseUrl) : null
  if (postgresDown) process.stdout.write(`${postgresDown}\nSKIPPING the PostgreSQL scenarios.\n\n`)
  const rows: string[][] = []
  const runStarted = Date.now()
  let failed = false
  for (const scenario of scenarios) {
    if (scenario.needs === 'postgres' && postgresDown) {
      rows.push([scenario.name, 'SKIPPED', '', '', '', postgresDown])
      continue
    }
    process.stderr.write(`bench: running ${scenario.name} ...\n`)
    const started = Date.now()
    try {
      for (const r of await scenario.run(settings)) {
        rows.push([scenario.name, r.measure, r.value, r.target ?? '', r.met === undefined ? '' : r.met ? 'pass' : 'miss', r.note ?? ''])
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(0)
      rows.push([scenario.name, 'ran in (s)', seconds, '', '', 'wall time of the whole scenario, its setup included'])
    } catch (err) {
      failed = true
      rows.push([scenario.name, 'FAILED', '', '', '', err instanceof Error ? err.message : String(err)])
    }
  }
  process.stderr.write(`bench: ${scenarios.length} scenarios in ${((Date.now() - runStarted) / 1000).toFixed(0)} s\n`)
  await releaseSharedBusinesses().catch((err: Error) =>
    process.stderr.write(`warning: could not drop the generated data: ${err.message}\n`),
  )
  process.stdout.write(`${formatTable(['scenario', 'measure', 'value', 'target', 'result', 'note'], rows)}\n`)
  if (failed) process.stderr.write('bench: a scenario could not be set up (FAILED above)\n')
  return failed ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`)
    process.exit(1)
  },
)
