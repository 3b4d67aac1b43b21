import { backupStatus } from '../backup/status.js'
import { withTenant } from '../db/tenant.js'
import type { Database, Queryable } from '../db/types.js'

/** Where one integration stands across every business: its accounts by status, how far behind, how many fail. */
export interface IntegrationState {
  connected: number
  /** The provider refused the account's refresh token: nothing syncs until the owner connects it again. */
  needs_reconnect: number
  /** Connected accounts whose last sync failed. */
  failing: number
  /** Seconds since the connected account furthest behind last synced (or connected, when it never did); null with none connected. */
  lag_seconds: number | null
  /** Records the provider refused (QuickBooks only; 0 for Google). */
  failed_records: number
}

/** Where the service's own work stands across every business, as /metrics and `crm doctor` report it. */
export interface ServiceState {
  businesses: number
  emails: {
    /** Pending and past their send time: the worker sends them at its next pass. */
    due: number
    /** Pending, put back after a failed try or the provider's limit (last_error says why), waiting for their next try. */
    held: number
    /** Pending, not yet due. */
    scheduled: number
    /** Seconds the longest-waiting due email is past its send time; null when none is due. */
    oldest_due_seconds: number | null
  }
  quickbooks: IntegrationState
  google: IntegrationState
  backups: {
    /** Businesses with no verified backup that covers them (their own or one of the whole service). */
    without_verified: number
    /** Hours since the last verified backup of the business whose is oldest; null when none has one. */
    oldest_age_hours: number | null
    /** When that backup finished. */
    oldest_verified_at: string | null
    /** The latest failure among the businesses whose last backup failed; null when none did. */
    last_failed: { finished_at: string; error: string | null } | null
  }
}

/** One business's figures, read in its own transaction as the app role, so row level security applies as to any request. */
interface BusinessRow {
  emails_due: number
  emails_held: number
  emails_scheduled: number
  oldest_due_at: Date | null
  qb_connected: number
  qb_needs_reconnect: number
  qb_failing: number
  qb_synced_at: Date | null
  qb_failed_records: number
  g_connected: number
  g_needs_reconnect: number
  g_failing: number
  g_synced_at: Date | null
}

/** Pending emails by state; each integration's accounts by status and the oldest sync among the connected ones. */
const BUSINESS_FIGURES = `
  with m as (
    select count(*) filter (where send_at <= $1)::int as due,
           count(*) filter (where send_at > $1 and last_error is not null)::int as held,
           count(*) filter (where send_at > $1 and last_error is null)::int as scheduled,
           min(send_at) filter (where send_at <= $1) as oldest_due_at
    from scheduled_messages where status = 'pending'),
  q as (
    select count(*) filter (where status = 'connected')::int as connected,
           count(*) filter (where status = 'needs_reconnect')::int as needs_reconnect,
           count(*) filter (where status = 'connected' and last_sync_error is not null)::int as failing,
           min(coalesce(last_sync_at, connected_at)) filter (where status = 'connected') as synced_at
    from quickbooks_connections),
  g as (
    select count(*) filter (where status = 'connected')::int as connected,
           count(*) filter (where status = 'needs_reconnect')::int as needs_reconnect,
           count(*) filter (where status = 'connected' and last_sync_error is not null)::int as failing,
           min(coalesce(last_sync_at, connected_at)) filter (where status = 'connected') as synced_at
    from google_connections)
  select m.due as emails_due, m.held as emails_held, m.scheduled as emails_scheduled, m.oldest_due_at,
         q.connected as qb_connected, q.needs_reconnect as qb_needs_reconnect, q.failing as qb_failing, q.synced_at as qb_synced_at,
         (select count(*)::int from quickbooks_records where state = 'failed') as qb_failed_records,
         g.connected as g_connected, g.needs_reconnect as g_needs_reconnect, g.failing as g_failing, g.synced_at as g_synced_at
  from m, q, g`

/**
 * Reads the service's state: the businesses are listed as the operator's commands list them (operator_businesses, run as
 * the connection's own role), then each is read in a short read-only transaction of its own as the app role with its
 * business set, so every row is admitted by the same policies as a request's. One statement and the backup status per
 * business: a scrape of a handful of businesses is a handful of short reads.
 */
export async function readServiceState(db: Database, backupsOn: boolean, now: Date): Promise<ServiceState> {
  const businesses = await db.query<{ id: string }>('select id from operator_businesses()')
  const state: ServiceState = {
    businesses: businesses.rows.length,
    emails: { due: 0, held: 0, scheduled: 0, oldest_due_seconds: null },
    quickbooks: emptyIntegration(),
    google: emptyIntegration(),
    backups: { without_verified: 0, oldest_age_hours: null, oldest_verified_at: null, last_failed: null },
  }
  for (const { id } of businesses.rows) {
    await withTenant(
      db,
      { tenantId: id, actorType: 'system', requestId: 'service-state' },
      (tx) => addBusiness(tx, id, state, backupsOn, now),
      {
        readOnly: true,
      },
    )
  }
  return state
}

/** Adds one business's figures to the state. */
async function addBusiness(tx: Queryable, businessId: string, state: ServiceState, backupsOn: boolean, now: Date): Promise<void> {
  const r = (await tx.query<BusinessRow>(BUSINESS_FIGURES, [now])).rows[0]
  state.emails.due += r.emails_due
  state.emails.held += r.emails_held
  state.emails.scheduled += r.emails_scheduled
  state.emails.oldest_due_seconds = largest(state.emails.oldest_due_seconds, secondsSince(now, r.oldest_due_at))
  addIntegration(
    state.quickbooks,
    r.qb_connected,
    r.qb_needs_reconnect,
    r.qb_failing,
    secondsSince(now, r.qb_synced_at),
    r.qb_failed_records,
  )
  addIntegration(state.google, r.g_connected, r.g_needs_reconnect, r.g_failing, secondsSince(now, r.g_synced_at), 0)
  const backups = await backupStatus(tx, businessId, backupsOn, now)
  const b = state.backups
  if (!backups.last_verified || backups.age_hours === null) b.without_verified++
  else if (b.oldest_age_hours === null || backups.age_hours > b.oldest_age_hours) {
    b.oldest_age_hours = backups.age_hours
    b.oldest_verified_at = backups.last_verified.finished_at
  }
  const failed = backups.last_failed
  if (failed && (!b.last_failed || failed.finished_at > b.last_failed.finished_at))
    b.last_failed = { finished_at: failed.finished_at, error: failed.error }
}

function emptyIntegration(): IntegrationState {
  return { connected: 0, needs_reconnect: 0, failing: 0, lag_seconds: null, failed_records: 0 }
}

function addIntegration(
  s: IntegrationState,
  connected: number,
  needsReconnect: number,
  failing: number,
  lag: number | null,
  failedRecords: number,
) {
  s.connected += connected
  s.needs_reconnect += needsReconnect
  s.failing += failing
  s.lag_seconds = largest(s.lag_seconds, lag)
  s.failed_records += failedRecords
}

function secondsSince(now: Date, at: Date | string | null): number | null {
  return at === null ? null : Math.max(0, (now.getTime() - new Date(at).getTime()) / 1000)
}

function largest(a: number | null, b: number | null): number | null {
  if (a === null) return b
  if (b === null) return a
  return Math.max(a, b)
}
