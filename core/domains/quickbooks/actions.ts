import { z } from 'zod'
import { AppError } from '../../kernel/errors.js'
import { timestamp } from '../../kernel/output-types.js'
import { page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { revokeAfterCommit } from '../../kernel/revoke-grant.js'
import { quickbooksClientOf, quickbooksOffReason } from './availability.js'
import { startConnect } from './connect.js'
import { loadConnection, markDisconnected, type StoredConnection } from './connection.js'
import { CONNECTION_RECORD, readConnection } from './connection-query.js'
import { RECORD_NAME_SQL, SYNC_RECORD } from './queries.js'
import { retryRecord, syncRecordOf, type SyncRecord } from './records.js'

/** Where the owner connects, disconnects and watches QuickBooks. */
const SETTINGS_PAGE = '/settings/quickbooks'

const reason = z.string().trim().max(500).optional()
const kind = z.enum(['customer', 'item', 'invoice', 'payment'])

/** Sends the owner to Intuit to connect the business's QuickBooks company. */
export const connectQuickBooks = defineAction({
  key: 'quickbooks.connect',
  phrases: ['connect QuickBooks', 'link our accounting', 'quickbooks', 'accounting', 'books', 'intuit', 'connect'],
  title: 'Connect QuickBooks',
  place: page(SETTINGS_PAGE, 'Connect QuickBooks, then approve at Intuit'),
  words: { phrase: 'connect a QuickBooks company to the business' },
  description:
    "Begin connecting the business's QuickBooks Online company: returns authorize_url, Intuit's page where the owner signs in " +
    'and approves (within 10 minutes; Intuit then sends them back to this server, which keeps the tokens encrypted). ' +
    "An agent's call waits for the owner's authorization, and the owner must open authorize_url signed in. Connecting again " +
    'replaces the company connected before. UNAVAILABLE when this server has no QuickBooks keys or no CRM_ENCRYPTION_KEY.',
  // Connecting an integration is power over where the business's records go: the owner's call.
  access: { agent: 'requires_authorization', technician: 'none' },
  input: z.strictObject({ reason: reason.describe('Why connect now; kept in the audit') }),
  output: z.object({
    authorize_url: z.string().describe("Intuit's page to open, signed in as the owner"),
    redirect_uri: z.string().describe('Where Intuit sends the owner back; it must be a redirect URI of the Intuit app'),
    expires_at: timestamp,
  }),
  async run(ctx, input) {
    const started = await startConnect(ctx)
    await ctx.audit({
      entityType: 'quickbooks_connection',
      entityId: ctx.tenantId,
      action: 'connect_start',
      after: { expires_at: started.expires_at, reason: input.reason ?? null },
    })
    return started
  },
})

/** Disconnects QuickBooks: the tokens are forgotten here and revoked at Intuit, and nothing syncs any more. */
export const disconnectQuickBooks = defineAction({
  key: 'quickbooks.disconnect',
  title: 'Disconnect QuickBooks',
  place: page(SETTINGS_PAGE, 'Disconnect'),
  words: { phrase: 'disconnect QuickBooks' },
  description:
    'Disconnect QuickBooks Online: its tokens are forgotten and revoked at Intuit, and nothing syncs until the owner connects ' +
    "again (to the same company, records keep their QuickBooks ids). Records already in QuickBooks stay there. An agent's " +
    "call waits for the owner's authorization. Disconnecting twice changes nothing.",
  access: { agent: 'requires_authorization', technician: 'none' },
  phrases: ['quickbooks', 'intuit', 'disconnect', 'stop sync'],
  idempotent: true,
  input: z.strictObject({ reason: reason.describe('Why; shown on the QuickBooks settings page and kept in the audit') }),
  output: CONNECTION_RECORD,
  async run(ctx, input) {
    const before = await loadConnection(ctx.db, true)
    if (!before) throw new AppError('CONFLICT', 'No QuickBooks company was ever connected: there is nothing to disconnect')
    if (before.status === 'disconnected') return readConnection(ctx)
    const why =
      input.reason ||
      (ctx.actor.type === 'agent' ? 'Disconnected at your office manager’s request, with your approval' : 'Disconnected by you')
    await markDisconnected(ctx.db, why)
    await ctx.audit({
      entityType: 'quickbooks_connection',
      entityId: ctx.tenantId,
      action: 'disconnect',
      before: { status: before.status, realm_id: before.realm_id },
      after: { status: 'disconnected', realm_id: before.realm_id, status_reason: why },
    })
    revokeAfterCommit(ctx, quickbooksClientOf(ctx.services), before.refresh_token)
    return readConnection(ctx)
  },
})

/** Refuses a sync of a company that is not connected, saying why and what the owner does about it. */
function refuseUnlessConnected(c: StoredConnection | null): void {
  if (!c) {
    throw new AppError(
      'CONFLICT',
      `No QuickBooks company is connected: the owner connects one on the QuickBooks settings page (${SETTINGS_PAGE})`,
    )
  }
  if (c.status === 'needs_reconnect') {
    throw new AppError(
      'CONFLICT',
      `QuickBooks needs connecting again${c.status_reason ? ` (${c.status_reason})` : ''}: nothing syncs until the owner connects again at ${SETTINGS_PAGE}`,
    )
  }
  if (c.status === 'disconnected') {
    throw new AppError(
      'CONFLICT',
      `QuickBooks was disconnected${c.status_reason ? ` (${c.status_reason})` : ''}: the owner connects it again at ${SETTINGS_PAGE}`,
    )
  }
}

/** Asks the worker for a sync at its next pass. */
export const syncQuickBooks = defineAction({
  key: 'quickbooks.sync',
  title: 'Sync with QuickBooks now',
  place: page(SETTINGS_PAGE, 'Sync now'),
  words: { phrase: 'ask for a QuickBooks sync now' },
  description:
    'Ask for a QuickBooks sync now: the worker runs it at its next pass (within a minute) instead of waiting for the regular ' +
    'one. Read the outcome in quickbooks_connection (last_sync_at, last_sync_error) and quickbooks_sync. CONFLICT when no ' +
    'company is connected, it needs connecting again, or it was disconnected (the message says which).',
  access: { agent: 'unrestricted', technician: 'none' },
  phrases: ['quickbooks', 'sync', 'push to books', 'update accounting'],
  idempotent: true,
  input: z.strictObject({ reason: reason.describe('Why a sync now; kept in the audit') }),
  output: CONNECTION_RECORD,
  async run(ctx, input) {
    const c = await loadConnection(ctx.db, true)
    refuseUnlessConnected(c)
    const off = quickbooksOffReason(ctx.services)
    if (off) throw new AppError('UNAVAILABLE', off)
    await ctx.db.query('update quickbooks_connections set sync_requested_at = $1', [ctx.services.now()])
    await ctx.audit({
      entityType: 'quickbooks_connection',
      entityId: ctx.tenantId,
      action: 'request_sync',
      after: { sync_requested_at: ctx.services.now(), reason: input.reason ?? null },
    })
    return readConnection(ctx)
  },
})

/** One record's sync row as the data type quickbooks_sync shows it. */
function syncRecordView(r: SyncRecord, name: string | null): z.output<typeof SYNC_RECORD> {
  return {
    id: r.record_id,
    kind: r.kind,
    name,
    state: r.state,
    quickbooks_id: r.remote_id,
    error: r.error,
    note: r.note,
    from_quickbooks: r.from_quickbooks,
    updated_at: new Date(r.updated_at).toISOString(),
  }
}

/** Puts a record QuickBooks refused back in line, and asks for a sync. */
export const retryQuickBooksRecord = defineAction({
  key: 'quickbooks.retry',
  title: 'Send a record to QuickBooks again',
  place: page(SETTINGS_PAGE, 'Retry next to the failed record'),
  words: { phrase: 'send a record QuickBooks refused again' },
  description:
    'Send one failed record to QuickBooks again at the next sync (asked for now): kind (customer, item, invoice, payment) and ' +
    'record_id (the contact, service, invoice or payment id, as quickbooks_sync lists it with state=failed). Fix what the ' +
    "error said first (a customer's name, an invoice's lines), or it fails the same way. NOT_FOUND when the record never " +
    'went to QuickBooks; CONFLICT when it is not failed.',
  access: { agent: 'unrestricted', technician: 'none' },
  phrases: ['quickbooks', 'retry', 'failed sync', 'resend'],
  input: z.strictObject({
    kind: kind.describe('customer, item (a catalog service), invoice or payment'),
    record_id: z.uuid().describe('The contact, service, invoice or payment id'),
  }),
  output: SYNC_RECORD,
  async run(ctx, input) {
    const before = await syncRecordOf(ctx.db, input.kind, input.record_id)
    if (!before) {
      throw new AppError('NOT_FOUND', `No ${input.kind} with id ${input.record_id} was ever sent to QuickBooks`, {
        field: 'data.record_id',
        id: input.record_id,
      })
    }
    if (before.state !== 'failed') {
      throw new AppError('CONFLICT', `This ${input.kind} is ${before.state} in QuickBooks, not failed: there is nothing to retry`, {
        field: 'data.record_id',
      })
    }
    const after = (await retryRecord(ctx.db, input.kind, input.record_id)) as SyncRecord
    await ctx.db.query(`update quickbooks_connections set sync_requested_at = $1 where status = 'connected'`, [ctx.services.now()])
    await ctx.audit({
      entityType: 'quickbooks_record',
      entityId: input.record_id,
      action: 'retry',
      before: { kind: input.kind, state: before.state, error: before.error },
      after: { kind: input.kind, state: after.state, error: null },
    })
    const named = await ctx.db.query<{ name: string | null }>(
      `select ${RECORD_NAME_SQL} as name from quickbooks_records r where r.kind = $1 and r.record_id = $2`,
      [input.kind, input.record_id],
    )
    return syncRecordView(after, named.rows[0]?.name ?? null)
  },
})
