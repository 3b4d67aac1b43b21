import type { GrantableLevel } from '../../kernel/access.js'
import type { ConsentGate } from '../../kernel/authorize.js'
import { remembered, type ReadAhead } from '../../db/read-memo.js'
import { sqlLiteral } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { dryRun } from './dry-run.js'
import { channelsRead, ownChannels } from './own-channels.js'
import { enqueueAuthorization } from './queue.js'
import { standingRuleAllows } from './standing-rules.js'

/** The read of the owner's level for an action, as an agent's call sends it with its BEGIN. */
export function overrideRead(key: string): ReadAhead {
  return { key: `permission override ${key}`, sql: `select permission from permission_overrides where action_key = ${sqlLiteral(key)}` }
}

/** The tenant's override of an action's level for agents, if the owner set one (Allow Always sets unrestricted). */
export async function permissionOverride(tx: Queryable, key: string): Promise<GrantableLevel | null> {
  const r = await remembered(tx, overrideRead(key).key, () =>
    tx.query<{ permission: GrantableLevel }>('select permission from permission_overrides where action_key = $1', [key]),
  )
  return r.rows[0]?.permission ?? null
}

/** The queue as core sees it: the owner's levels, standing rules, and the queue of calls waiting for them. */
export const authorizationGate: ConsentGate = {
  override: permissionOverride,
  overrideRead,
  allowedByRule: standingRuleAllows,
  enqueue: enqueueAuthorization,
  ownChannels,
  channelsRead,
  tryCall: async (ctx, def, input) => {
    // Tried as it will run once reasoning is given: an action may read the reasoning (a void's reason).
    const asked = { ...ctx, reasoning: ctx.reasoning ?? 'The reasoning the agent will give' }
    await dryRun(asked, def, input, 'This call fails against the current data, so it was not put to the owner:')
  },
}
