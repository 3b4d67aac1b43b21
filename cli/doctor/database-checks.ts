import type { Config } from '../../core/kernel/config.js'
import { type CheckItem, fail, ok, warn } from './item.js'
import type { PublicReading } from './public-url.js'
import type { DatabaseReading } from './sources.js'

/** Clocks further apart than this are worth a warning; past CLOCK_FAIL_MS signed webhooks and leases start to go wrong. */
const CLOCK_WARN_MS = 5_000
const CLOCK_FAIL_MS = 60_000

/** Connections in use past this share of max_connections are worth a warning. */
const CONNECTIONS_WARN = 0.8

/** database: its version, the migrations applied, and on a server how many of its connections are in use. */
export function databaseItem(config: Config, database: DatabaseReading): CheckItem {
  if (!database.ok) return fail('database', database.problem, database.fix)
  const { facts, via } = database
  const from = via === 'server' ? ' (read by the running server)' : ''
  if (facts.pending_migrations.length) {
    return fail(
      'database',
      `${facts.pending_migrations.length} migration${facts.pending_migrations.length > 1 ? 's are' : ' is'} not applied: ${facts.pending_migrations.join(', ')}`,
      'Restart the server (it applies them as it starts) or run npx crm migrate.',
    )
  }
  if (!facts.connections) return ok('database', `embedded PostgreSQL ${facts.version} in ${config.dataDir}, every migration applied${from}`)
  const { used, max, reserved } = facts.connections
  const what = `PostgreSQL ${facts.version}, ${used} of ${max} connections in use (${reserved} kept for superusers), every migration applied`
  // A server that answered without the fact (an older one, through /healthz/doctor) is not warned about it.
  if (facts.autovacuum === false) {
    return warn(
      'database',
      `${what}, but autovacuum is off: the planner's statistics stay those of the empty tables, and as a business grows each write reads more of its rows (a booking came to read some 900 visits and 1,200 search entries), while dead rows are never cleared`,
      "Turn autovacuum on (autovacuum = on, PostgreSQL's default, in postgresql.conf; then SELECT pg_reload_conf()), and run ANALYZE once.",
    )
  }
  if (used > max * CONNECTIONS_WARN) {
    return warn(
      'database',
      `${what}: over ${Math.round(CONNECTIONS_WARN * 100)}%`,
      'Lower CRM_DB_POOL_SIZE per process, or put PgBouncer between the processes and PostgreSQL (docs/many-processes.md#connections).',
    )
  }
  return ok('database', what)
}

/** clock: the database's clock, and the Date of the public address's answer, against this machine's. */
export function clockItem(database: DatabaseReading, publicUrl: PublicReading): CheckItem {
  const parts: string[] = []
  let worst = 0
  if (database.ok) {
    const off = Math.max(0, Math.abs(database.clock.skewMs) - database.clock.uncertaintyMs)
    worst = Math.max(worst, off)
    parts.push(`the database's clock is ${seconds(database.clock.skewMs)} from this machine's`)
  }
  const date = publicUrl.ok ? Date.parse(String(publicUrl.answer.headers.date ?? '')) : Number.NaN
  if (publicUrl.ok && Number.isFinite(date)) {
    const { sentAt, answeredAt } = publicUrl.answer
    const skew = date - (sentAt + answeredAt) / 2
    // Date is whole seconds: a second of slack besides half the round trip.
    worst = Math.max(worst, Math.abs(skew) - (answeredAt - sentAt) / 2 - 1_000)
    parts.push(`the public address's Date ${seconds(skew)}`)
  }
  if (!parts.length)
    return warn('clock', 'not checked: neither the database nor the public address answered', 'Fix database and public_url first.')
  const detail = parts.join('; ')
  const fix = 'Turn on time sync on every machine of the deployment: timedatectl set-ntp true (systemd-timesyncd), or chrony.'
  if (worst > CLOCK_FAIL_MS)
    return fail('clock', `${detail}: signed webhooks older than 5 minutes are refused, and leases and links run early or late`, fix)
  if (worst > CLOCK_WARN_MS) return warn('clock', `${detail}: more than ${CLOCK_WARN_MS / 1000} s apart`, fix)
  return ok('clock', detail)
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
