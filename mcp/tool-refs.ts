import { z } from 'zod'
import { withTenant } from '../core/db/tenant.js'
import { scopeOf } from '../core/kernel/operations-context.js'
import { refReachOf, refsToResolve, refusedOnlyAtRefs, resolveRecordRefs } from '../core/vocabulary/record-refs.js'
import type { ToolContext, ToolDefinition } from './tool.js'

/**
 * A tool's arguments with each id given as a number or a name (`contact_id: "Jane Smith"`) read as the id it means, as
 * every action's data is: the workflows then see ids only. Arguments wrong elsewhere are left for the check to name.
 */
export async function argumentsWithIds(
  tool: ToolDefinition,
  ctx: ToolContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const schema = z.strictObject(tool.input)
  const refs = refsToResolve(schema, args, '')
  if (!refs.length || !refusedOnlyAtRefs(schema, args, refs, '')) return args
  const reach = refReachOf(ctx.principal.actor, { technician: 'none' })
  return withTenant(ctx.services.db, scopeOf(ctx.principal, ctx.requestId), (tx) => resolveRecordRefs(tx, refs, args, reach), {
    readOnly: true,
  })
}
