import { z } from 'zod'
import { afterCursor, pageOf } from '../core/pagination.js'
import { actionKey, defineQuery } from '../core/registry.js'
import { REQUEST_COLUMNS } from './queue.js'

/** Queued agent calls: pending ones for the owner, and their outcome for the agent. */
export const authorizationRequestsQuery = defineQuery({
  type: 'authorization_requests',
  description: 'Agent calls waiting for (or decided by) the owner. Filter status: pending|executed|denied|failed|expired. By id: the outcome (result, error or the owner\'s note).',
  entity: 'authorization_request',
  keywords: ['approval', 'consent', 'queue', 'authorize', 'permission request'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({ status: z.enum(['pending', 'executed', 'denied', 'failed', 'expired']).optional() }),
  async run(ctx, req) {
    const args: unknown[] = [req.id ?? null, req.params.status ?? null]
    const after = afterCursor(args, req.cursor, 'and (created_at, id) <', ['timestamptz', 'uuid'])
    args.push(req.limit + 1)
    const r = await ctx.db.query(`select * from (select ${REQUEST_COLUMNS}, created_at::text as _sort_at from authorization_requests) q
      where ($1::uuid is null or id = $1) and ($2::text is null or status = $2) ${after}
      order by created_at desc, id desc limit $${args.length}`, args)
    return pageOf(r.rows, req.limit, (row) => [row._sort_at, row.id])
  },
})

/** Every action with its registered level and this business's override. */
export const permissionsQuery = defineQuery({
  type: 'permissions',
  description: 'Every action with its registered permission level, the owner\'s override for this business, and the effective level for agents.',
  keywords: ['allow always', 'trust', 'levels'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  async run(ctx, req) {
    const r = await ctx.db.query<{ action_key: string; permission: string; set_at: Date }>('select action_key, permission, set_at from permission_overrides')
    const overrides = new Map(r.rows.map((o) => [o.action_key, o]))
    const items = [...ctx.services.registry.actions.values()].map((def) => {
      const key = actionKey(def.domain, def.name)
      const o = overrides.get(key)
      const agentsAllowed = def.access.agent !== 'never'
      return { id: key, action: key, registered: def.access.agent, override: agentsAllowed ? o?.permission ?? null : null,
        effective: agentsAllowed ? o?.permission ?? def.access.agent : 'never', set_at: o?.set_at ?? null, agents_allowed: agentsAllowed }
    })
    // Asked for one id, answer with that record or none (NOT_FOUND), never the first of the list.
    return { items: req.id === undefined ? items : items.filter((item) => item.id === req.id), next_cursor: null }
  },
})
