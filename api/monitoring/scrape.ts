import { Gauge, Registry } from 'prom-client'
import type { Services } from '../../core/kernel/context.js'
import { withDeadline } from '../../core/kernel/deadline.js'
import { log } from '../../core/kernel/log.js'
import { readServiceState, type IntegrationState, type ServiceState } from '../../core/monitoring/service-state.js'

/** The text of one scrape and its content type. */
export interface Scrape {
  contentType: string
  text: string
}

/**
 * One scrape: the metrics kept as requests come (`kept`: requests, latency, the process) with the figures read now, made
 * afresh on a registry of this scrape's own so a figure that could not be read is absent, never a stale or zero value.
 * The database's reads wait at most CRM_READY_TIMEOUT_MS: past it, or when the database fails, the scrape still answers,
 * with crm_database_up 0 and without the figures that needed it.
 */
export async function scrape(services: Services, kept: Registry): Promise<Scrape> {
  const now = registryWithPool(services)
  const up = gauge(now, 'crm_database_up', "1 when this scrape's reads of the database answered within CRM_READY_TIMEOUT_MS, else 0.")
  const took = gauge(now, 'crm_database_read_seconds', "How long this scrape's reads of the database took (or waited before giving up).")
  gauge(now, 'crm_backups_enabled', '1 when CRM_BACKUP_KEY is set; without it no backup is made at all.').set(
    services.config.backup.key ? 1 : 0,
  )
  const started = performance.now()
  const limit = services.config.readyTimeoutMs
  try {
    const state = await withDeadline(readServiceState(services.db, services.config.backup.key !== null, services.now()), limit, () =>
      Object.assign(new Error(`the database did not answer within ${limit} ms`), { timedOut: true }),
    )
    addState(now, state)
    up.set(1)
  } catch (err) {
    log('warn', 'metrics: the database could not be read', { error: err instanceof Error ? err.message : String(err) })
    up.set(0)
  }
  took.set((performance.now() - started) / 1000)
  const merged = Registry.merge([kept, now])
  return { contentType: merged.contentType, text: await merged.metrics() }
}

/** A registry for one scrape, holding the pool's gauges where the engine reports them (they need no database round trip). */
function registryWithPool(services: Services): Registry {
  const r = new Registry()
  const pool = services.db.poolStats?.()
  if (!pool) return r
  const connections = new Gauge({
    name: 'crm_db_pool_connections',
    help: 'Database connections this process holds open, by state (busy: running a statement or transaction). The embedded engine: its one thread.',
    labelNames: ['state'] as const,
    registers: [r],
  })
  connections.set({ state: 'busy' }, pool.total - pool.idle)
  connections.set({ state: 'idle' }, pool.idle)
  gauge(
    r,
    'crm_db_pool_waiting',
    'Requests waiting for a database connection (the embedded engine: statements queued behind the running one).',
  ).set(pool.waiting)
  gauge(r, 'crm_db_pool_max', 'Database connections this process opens at most (CRM_DB_POOL_SIZE; 1 on the embedded engine).').set(pool.max)
  return r
}

/** The figures read from the database, summed over every business. */
function addState(r: Registry, state: ServiceState): void {
  gauge(r, 'crm_businesses', 'Businesses in the database.').set(state.businesses)
  const emails = new Gauge({
    name: 'crm_emails',
    help: 'Pending emails by state: due (past their send time, for the next pass), held (put back after a failed try or the provider limit), scheduled (later).',
    labelNames: ['state'] as const,
    registers: [r],
  })
  emails.set({ state: 'due' }, state.emails.due)
  emails.set({ state: 'held' }, state.emails.held)
  emails.set({ state: 'scheduled' }, state.emails.scheduled)
  gauge(r, 'crm_emails_oldest_due_seconds', 'How long the longest-waiting due email is past its send time; 0 when none is due.').set(
    state.emails.oldest_due_seconds ?? 0,
  )
  addIntegrations(r, { quickbooks: state.quickbooks, google: state.google })
  const b = state.backups
  gauge(r, 'crm_backup_businesses_without_verified', 'Businesses no verified backup covers (their own or one of the whole service).').set(
    b.without_verified,
  )
  if (state.businesses > 0) {
    gauge(
      r,
      'crm_backup_last_verified_age_seconds',
      'Seconds since the last verified backup, of the business whose is oldest; +Inf when a business has none. Alert above 26 hours (93600).',
    ).set(b.without_verified > 0 ? Number.POSITIVE_INFINITY : (b.oldest_age_hours ?? 0) * 3600)
  }
  gauge(r, 'crm_backup_last_failed', "1 when a business's latest finished backup failed (a later verified one clears it), else 0.").set(
    b.last_failed ? 1 : 0,
  )
}

function addIntegrations(r: Registry, integrations: Record<string, IntegrationState>): void {
  const accounts = new Gauge({
    name: 'crm_integration_accounts',
    help: 'Connected integration accounts by status (needs_reconnect: the provider refused the refresh token; nothing syncs until the owner connects again).',
    labelNames: ['integration', 'status'] as const,
    registers: [r],
  })
  const failing = new Gauge({
    name: 'crm_integration_sync_failing',
    help: "Connected accounts whose last sync failed (the error is on the owner's settings page and in daily_briefing).",
    labelNames: ['integration'] as const,
    registers: [r],
  })
  const lag = new Gauge({
    name: 'crm_integration_sync_lag_seconds',
    help: 'Seconds since the connected account furthest behind last synced (since connecting, when it never did); absent with none connected.',
    labelNames: ['integration'] as const,
    registers: [r],
  })
  const refused = new Gauge({
    name: 'crm_integration_records_failed',
    help: 'Records the provider refused and that wait for a fix (QuickBooks).',
    labelNames: ['integration'] as const,
    registers: [r],
  })
  for (const [integration, s] of Object.entries(integrations)) {
    accounts.set({ integration, status: 'connected' }, s.connected)
    accounts.set({ integration, status: 'needs_reconnect' }, s.needs_reconnect)
    failing.set({ integration }, s.failing)
    if (s.lag_seconds !== null) lag.set({ integration }, s.lag_seconds)
    if (integration === 'quickbooks') refused.set({ integration }, s.failed_records)
  }
}

function gauge(r: Registry, name: string, help: string): Gauge {
  return new Gauge({ name, help, registers: [r] })
}
