import type { OperationContext } from '../../kernel/context.js'
import type { Database } from '../../db/types.js'
import { defineSecretLink } from '../../links/secret-link.js'
import { approvalEmail } from './approval-email.js'

/*
 * The owner answers a queued agent call from the email about it, on a phone that is usually not signed in. The email's
 * link is the credential, as a customer's answer link is: 32 random bytes, only their SHA-256 kept, one per owner of the
 * business, bound to the request and to the version of its call (an edit makes new links and retires these), working
 * once and only until the request expires. Opening it decides nothing; the confirming press does (approval-answer.ts).
 */

/** The decisions a link may make: Allow Always changes what the agent may do from now on, so it stays on the signed-in page. */
export const LINK_DECISIONS = ['allow_once', 'deny'] as const

/** A decision a link may make. */
export type LinkDecision = (typeof LINK_DECISIONS)[number]

/** One owner's answer link to one version of a queued call: it works once, until the request expires. */
export const APPROVAL_LINK = defineSecretLink({
  kind: 'approval_link',
  table: 'approval_links',
  opens: 'one version of a queued agent call, for one owner',
  lives: 'until_expires_at',
  use: 'single',
})

/** Where one of the email's buttons sends the owner's phone. */
export function approvalLinkUrl(baseUrl: string, token: string, decision: LinkDecision): string {
  return `${baseUrl}/approve/${token}?decision=${decision}`
}

/**
 * Makes a link for each active owner for the request's current call, inside ctx's transaction, and emails each owner the
 * review card once the transaction has committed. `changed`: the owner edited the call, so the card says so.
 */
export async function emailApprovalCards(ctx: OperationContext, requestId: string, changed = false): Promise<void> {
  const r = await ctx.db.query<{ call_version: number; expires_at: Date }>(
    'select call_version, expires_at from authorization_requests where id = $1',
    [requestId],
  )
  const { call_version: version, expires_at: expiresAt } = r.rows[0]
  const owners = await ctx.db.query<{ id: string; email: string }>(
    `select id, email from users where role = 'owner' and deactivated_at is null order by created_at, id`,
  )
  const card = await approvalEmail(ctx.db, requestId, changed)
  const base = ctx.services.config.publicBaseUrl
  for (const owner of owners.rows) {
    const { secret: token, hash } = APPROVAL_LINK.mint()
    await ctx.db.query(
      `insert into approval_links (tenant_id, request_id, user_id, call_version, token_hash, expires_at) values ($1, $2, $3, $4, $5, $6)`,
      [ctx.tenantId, requestId, owner.id, version, hash, expiresAt],
    )
    const message = card({
      allow: approvalLinkUrl(base, token, 'allow_once'),
      deny: approvalLinkUrl(base, token, 'deny'),
      queue: `${base}/review`,
    })
    ctx.afterCommit(async () => {
      await ctx.services.email.send({
        ...message,
        to: owner.email,
        idempotencyKey: `authorization-${requestId}-v${version}-${owner.id}`,
        tenantId: ctx.tenantId,
      })
    })
  }
}

/** The business a link belongs to, found by its secret's hash alone; null for an unknown or malformed secret. */
export async function approvalLinkOf(db: Database, token: string): Promise<{ tenantId: string; tokenHash: string } | null> {
  return APPROVAL_LINK.find(db, token)
}
