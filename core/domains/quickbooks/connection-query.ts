import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import { timestamp } from '../../kernel/output-types.js'
import { defineQuery } from '../../kernel/registry.js'
import { quickbooksOffReason } from './availability.js'
import { loadConnection } from './connection.js'

/** The business's QuickBooks connection as the owner and the agent read it: never its tokens. */
export const CONNECTION_RECORD = z.object({
  id: z.uuid().describe('The business id'),
  status: z
    .enum(['never_connected', 'connected', 'needs_reconnect', 'disconnected'])
    .describe(
      'connected: syncing; needs_reconnect: Intuit refused the tokens, the owner must connect again; disconnected: the owner disconnected',
    ),
  configured: z.boolean().describe('Whether this server can connect QuickBooks at all (Intuit app keys and CRM_ENCRYPTION_KEY set)'),
  off_reason: z.string().nullable().describe('Why this server cannot connect QuickBooks, naming what to set; null when it can'),
  realm_id: z.string().nullable().describe("The QuickBooks company's id (realm)"),
  company_name: z.string().nullable(),
  connected_at: timestamp.nullable(),
  status_reason: z.string().nullable().describe('Why it needs reconnecting or was disconnected'),
  sync_requested_at: timestamp.nullable().describe('A sync asked for; the worker runs it at its next pass'),
  last_sync_at: timestamp.nullable(),
  last_sync_error: z.string().nullable().describe("Why the last sync failed as a whole, in QuickBooks' own words"),
  doc_numbers_kept: z
    .boolean()
    .nullable()
    .describe('Whether QuickBooks keeps our invoice numbers (its custom transaction numbers setting); null until the first sync reads it'),
  records: z
    .object({ pending: z.number().int(), synced: z.number().int(), failed: z.number().int() })
    .describe('How many records are in each sync state (quickbooks_sync lists them)'),
})

/** The connection record of the business, whether or not it ever connected. */
export async function readConnection(ctx: OperationContext): Promise<z.output<typeof CONNECTION_RECORD>> {
  const c = await loadConnection(ctx.db)
  const counts = await ctx.db.query<{ state: 'pending' | 'synced' | 'failed'; n: number }>(
    'select state, count(*)::int as n from quickbooks_records group by state',
  )
  const records = { pending: 0, synced: 0, failed: 0 }
  for (const row of counts.rows) records[row.state] = row.n
  const off = quickbooksOffReason(ctx.services)
  const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null)
  return {
    id: ctx.tenantId,
    status: c?.status ?? 'never_connected',
    configured: off === null,
    off_reason: off,
    realm_id: c?.realm_id ?? null,
    company_name: c?.company_name ?? null,
    connected_at: iso(c?.connected_at),
    status_reason: c?.status_reason ?? null,
    sync_requested_at: iso(c?.sync_requested_at),
    last_sync_at: iso(c?.last_sync_at),
    last_sync_error: c?.last_sync_error ?? null,
    doc_numbers_kept: c?.doc_numbers_kept ?? null,
    records,
  }
}

/** The business's QuickBooks connection, one record. */
export const quickbooksConnectionQuery = defineQuery({
  type: 'quickbooks_connection',
  description:
    'The QuickBooks Online connection, one record (id = the business id): status (never_connected, connected, ' +
    'needs_reconnect: Intuit refused the tokens and the owner must connect again, disconnected), status_reason, configured ' +
    '(false: this server cannot connect QuickBooks, off_reason says what to set), realm_id, company_name, connected_at, ' +
    'last_sync_at, last_sync_error, sync_requested_at, doc_numbers_kept (whether QuickBooks keeps our invoice numbers), ' +
    'records (counts pending, synced, failed; quickbooks_sync lists them). quickbooks.sync asks for a sync now; connecting ' +
    "and disconnecting are the owner's.",
  phrases: ['quickbooks', 'accounting', 'books', 'bookkeeper', 'intuit', 'connection'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: CONNECTION_RECORD,
  async run(ctx, req) {
    if (req.id && req.id !== ctx.tenantId) return { items: [], next_cursor: null }
    return { items: [await readConnection(ctx)], next_cursor: null }
  },
})
