import { callWithin } from '../../kernel/call-within.js'
import type { Services } from '../../kernel/context.js'
import { setLocal, withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { contextOf } from '../../kernel/operations-context.js'
import { runEffects } from '../../kernel/operations.js'
import { decideAuthorizationRequest } from './actions.js'
import { approvalLinkOf, LINK_DECISIONS, type LinkDecision } from './approval-links.js'
import { REQUEST_COLUMNS } from './queue.js'
import { validationError } from '../../kernel/errors.js'

/** Why an emailed link decides nothing now. */
export type ApprovalLinkProblem = 'unknown' | 'not_owner' | 'used' | 'decided' | 'expired' | 'replaced'

/** What the owner's phone shows for a link: the request's card, or why the link does nothing. */
export interface ApprovalLinkView {
  problem: ApprovalLinkProblem | null
  /** The request as authorization_requests reads it (REQUEST_COLUMNS), when the link names one. */
  request?: Record<string, any>
  businessName?: string
}

interface LinkRow {
  id: string
  request_id: string
  user_id: string
  call_version: number
  used_at: Date | null
  role: string
  deactivated_at: Date | null
  current_version: number
  business_name: string
}

/** What a link is for and whether it can decide now, changing nothing: a mail scanner's GET must not answer for the owner. */
export async function viewApprovalLink(services: Services, token: string): Promise<ApprovalLinkView> {
  const found = await approvalLinkOf(services.db, token)
  if (!found) return { problem: 'unknown' }
  return withTenant(
    services.db,
    { tenantId: found.tenantId, actorType: 'system' },
    async (tx) => {
      const link = await loadLink(tx, found.tokenHash, false)
      if (!link) return { problem: 'unknown' }
      const request = await loadRequest(tx, link.request_id)
      return { problem: problemOf(link, request), request, businessName: link.business_name }
    },
    { readOnly: true },
  )
}

/**
 * Decides the link's request, once, as the owner the link was emailed to: the link is used and the decision made in one
 * transaction (Allow Once runs the call), both audited under that owner. `requestId` must be the link's own request (the
 * confirm form carries it), so a link never answers for another request or business. A link that cannot decide changes
 * nothing and says why.
 */
export async function answerApprovalLink(
  services: Services,
  token: string,
  answer: { request_id: string; decision: string; note?: string; reason?: string },
  httpRequestId: string,
): Promise<ApprovalLinkView> {
  if (!(LINK_DECISIONS as readonly string[]).includes(answer.decision))
    throw validationError([{ field: 'decision', message: 'expected allow_once or deny (Allow Always is on the signed-in review page)' }])
  const found = await approvalLinkOf(services.db, token)
  if (!found) return { problem: 'unknown' }
  const later: Array<() => Promise<void>> = []
  const view = await withTenant(services.db, { tenantId: found.tenantId, actorType: 'system', requestId: httpRequestId }, async (tx) => {
    const link = await loadLink(tx, found.tokenHash, true)
    if (!link || link.request_id !== answer.request_id) return { problem: 'unknown' } as ApprovalLinkView
    const before = await loadRequest(tx, link.request_id)
    const problem = problemOf(link, before)
    if (problem) return { problem, request: before, businessName: link.business_name }
    // From here the owner acts: their id goes on the audit rows the database writes and on the decision.
    await setLocal(tx, { 'app.actor_type': 'user', 'app.actor_id': link.user_id })
    const owner = { tenantId: found.tenantId, actor: { type: 'user' as const, id: link.user_id, role: 'owner' as const } }
    const ctx = contextOf(services, owner, tx, httpRequestId, null, (fn) => later.push(fn))
    const used = await tx.query<{ used_at: Date }>('update approval_links set used_at = now() where id = $1 returning used_at', [link.id])
    await ctx.audit({ entityType: 'approval_link', entityId: link.id, action: 'use', before: { used_at: null }, after: used.rows[0] })
    const decided = await callWithin(ctx, decideAuthorizationRequest, {
      request_id: link.request_id,
      decision: answer.decision as LinkDecision,
      note: answer.note || undefined,
      reason: answer.decision === 'deny' ? (answer.reason as never) || undefined : undefined,
    })
    return { problem: null, request: decided as Record<string, any>, businessName: link.business_name }
  })
  await runEffects(later, httpRequestId)
  return view
}

async function loadLink(tx: Queryable, tokenHash: string, lock: boolean): Promise<LinkRow | null> {
  const r = await tx.query<LinkRow>(
    `select l.id, l.request_id, l.user_id, l.call_version, l.used_at, u.role, u.deactivated_at, r.call_version as current_version,
       b.name as business_name
     from approval_links l
     join users u on u.id = l.user_id
     join authorization_requests r on r.id = l.request_id
     join tenants b on b.id = l.tenant_id
     where l.token_hash = $1 ${lock ? 'for update of l, r' : ''}`,
    [tokenHash],
  )
  return r.rows[0] ?? null
}

async function loadRequest(tx: Queryable, requestId: string): Promise<Record<string, any>> {
  return (await tx.query(`select ${REQUEST_COLUMNS} from authorization_requests where id = $1`, [requestId])).rows[0]
}

/** The first reason the link decides nothing now; null when it can. */
function problemOf(link: LinkRow, request: Record<string, any>): ApprovalLinkProblem | null {
  if (link.role !== 'owner' || link.deactivated_at) return 'not_owner'
  if (link.used_at) return 'used'
  if (request.status === 'expired') return 'expired'
  if (request.status !== 'pending') return 'decided'
  if (link.call_version !== link.current_version) return 'replaced'
  return null
}
