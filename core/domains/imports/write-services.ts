import type { OperationContext } from '../../kernel/context.js'
import { callWithin } from '../../kernel/call-within.js'
import { createService } from '../services/actions.js'
import type { PlannedItem } from './square-items.js'
import type { ImportedRow, UnitWriter } from './write-in-chunks.js'
import { SOURCE } from './write-customers.js'

/** What happened to one row of the item library. */
export interface ItemRow extends ImportedRow {
  service_id?: string
  matched_by?: 'square_token' | 'name'
}

/**
 * Writes item library rows as services: a row whose token was imported before, or whose name an active service already
 * has, is matched (and never changed); any other becomes a new service through service.create.
 */
export const serviceWriter: UnitWriter<PlannedItem, ItemRow> = {
  async writeMany(ctx, items) {
    const rows: ItemRow[] = []
    for (const item of items) rows.push(await writeItem(ctx, item))
    return rows
  },
  refuse: (item, reason) => [{ line: item.line, name: item.name, outcome: 'refused', reason }],
}

async function writeItem(ctx: OperationContext, item: PlannedItem): Promise<ItemRow> {
  if ('refused' in item) return { line: item.line, name: item.name, outcome: 'refused', reason: item.refused }
  const { token, service, warnings } = item.candidate
  const base = { line: item.line, name: item.name, ...(warnings.length ? { warnings } : {}) }
  if (token) {
    const known = await ctx.db.query<{ service_id: string }>(
      'select service_id from service_external_ids where source = $1 and external_id = $2',
      [SOURCE, token],
    )
    if (known.rows[0]) return { ...base, outcome: 'matched', matched_by: 'square_token', service_id: String(known.rows[0].service_id) }
  }
  const named = await ctx.db.query<{ id: string }>(`select id from services where lower(name) = lower($1) and archived_at is null`, [
    service.name,
  ])
  const serviceId = named.rows[0] ? String(named.rows[0].id) : String((await callWithin(ctx, createService, service)).id)
  if (token) {
    await ctx.db.query(
      `insert into service_external_ids (tenant_id, source, external_id, service_id) values ($1, $2, $3, $4)
      on conflict (tenant_id, source, external_id) do nothing`,
      [ctx.tenantId, SOURCE, token, serviceId],
    )
  }
  return named.rows[0]
    ? { ...base, outcome: 'matched', matched_by: 'name', service_id: serviceId }
    : { ...base, outcome: 'created', service_id: serviceId }
}
