import type { Queryable } from '../db/types.js'

/**
 * The next value of a per-tenant counter (1, 2, 3, ...), without gaps: the counter row stays locked until the
 * transaction ends, so concurrent callers wait their turn, and a rolled-back transaction gives its number back.
 */
export async function nextCounterValue(tx: Queryable, tenantId: string, name: string): Promise<number> {
  const r = await tx.query<{ value: number }>(nextCounterSql('$1', '$2'), [tenantId, name])
  return r.rows[0].value
}

/**
 * nextCounterValue's statement over the given placeholders (`$1`) of a tenant and a counter's name, returning `value`:
 * as a CTE it numbers the row an insert makes in the same statement, one round trip instead of two.
 */
export function nextCounterSql(tenant: string, name: string): string {
  return `insert into tenant_counters (tenant_id, name, value) values (${tenant}, ${name}, 1)
     on conflict (tenant_id, name) do update set value = tenant_counters.value + 1
     returning value`
}

/** The next n values of a per-tenant counter at once, like n calls of nextCounterValue: the first of them. */
export async function reserveCounterValues(tx: Queryable, tenantId: string, name: string, n: number): Promise<number> {
  const r = await tx.query<{ value: number }>(
    `insert into tenant_counters (tenant_id, name, value) values ($1, $2, $3)
     on conflict (tenant_id, name) do update set value = tenant_counters.value + $3
     returning value`,
    [tenantId, name, n],
  )
  return r.rows[0].value - n + 1
}
