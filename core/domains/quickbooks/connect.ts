import { hashSecret, newSecret } from '../../auth/secrets.js'
import { QuickBooksError } from './client/quickbooks.js'
import type { OperationContext, Principal, Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import { AppError } from '../../kernel/errors.js'
import { contextOf, scopeOf } from '../../kernel/operations-context.js'
import { requireQuickBooks } from './availability.js'
import { saveConnection } from './connection.js'
import { sealTokens } from './tokens.js'

/** How long the owner has to approve at Intuit before the connect must be started again. */
export const CONNECT_STATE_MINUTES = 10

/** Where Intuit sends the owner back: this server's callback page, registered as a redirect URI of the Intuit app. */
export function callbackUrl(services: Services): string {
  return `${services.config.publicBaseUrl}/settings/quickbooks/callback`
}

/** A connect begun: the Intuit page to send the owner to, and until when it may be finished. */
export interface ConnectStart {
  authorize_url: string
  redirect_uri: string
  expires_at: Date
}

/**
 * Begins a connect: a random state, of which only its hash is kept (one use, ten minutes, this business), and Intuit's
 * authorization page carrying it.
 */
export async function startConnect(ctx: OperationContext): Promise<ConnectStart> {
  const { client } = requireQuickBooks(ctx.services)
  const state = newSecret()
  const expiresAt = new Date(ctx.services.now().getTime() + CONNECT_STATE_MINUTES * 60_000)
  await ctx.db.query('delete from quickbooks_connect_states where expires_at < $1', [ctx.services.now()])
  await ctx.db.query('insert into quickbooks_connect_states (tenant_id, state_hash, user_id, expires_at) values ($1, $2, $3, $4)', [
    ctx.tenantId,
    hashSecret(state),
    ctx.actor.id,
    expiresAt,
  ])
  const redirectUri = callbackUrl(ctx.services)
  return { authorize_url: client.authorizeUrl(state, redirectUri), redirect_uri: redirectUri, expires_at: expiresAt }
}

/** What Intuit sent the owner back with, as the callback's query holds it. */
export interface ConnectAnswer {
  state: string
  code?: string
  realmId?: string
  /** Intuit's refusal (the owner pressed Cancel, or the app is misconfigured) instead of a code. */
  error?: string
  error_description?: string
}

/** The company connected: its realm, and whether it is the one connected before (its records keep their QuickBooks ids). */
export interface ConnectFinished {
  realm_id: string
  same_company: boolean
}

/**
 * Finishes a connect for the signed-in owner: the state is used up first (once, before its expiry, by the business that
 * began it), then Intuit's code is exchanged outside any transaction, and the tokens are kept sealed.
 */
export async function finishConnect(
  services: Services,
  principal: Principal,
  answer: ConnectAnswer,
  requestId: string,
): Promise<ConnectFinished> {
  const { client, secrets } = requireQuickBooks(services)
  const now = services.now()
  await useState(services, principal, answer.state, now, requestId)
  if (answer.error) {
    throw new AppError(
      'CONFLICT',
      `QuickBooks did not connect: Intuit answered ${answer.error}${answer.error_description ? ` (${answer.error_description})` : ''}`,
      { field: 'error' },
    )
  }
  if (!answer.code || !answer.realmId) {
    throw new AppError('VALIDATION_ERROR', 'Intuit sent no code and realmId back: start the connect again', {
      issues: [{ field: answer.code ? 'realmId' : 'code', message: 'is required' }],
    })
  }
  if (!/^[0-9A-Za-z]{1,64}$/.test(answer.realmId)) {
    throw new AppError('VALIDATION_ERROR', 'Intuit sent back a realmId that is not a QuickBooks company id', {
      issues: [{ field: 'realmId', message: 'expected 1 to 64 letters or digits' }],
    })
  }
  let tokens: Awaited<ReturnType<typeof client.exchangeCode>>
  try {
    tokens = await client.exchangeCode(answer.code, callbackUrl(services), now)
  } catch (err) {
    if (!(err instanceof QuickBooksError)) throw err
    throw new AppError('CONFLICT', `QuickBooks did not connect: Intuit refused the code (${err.message}); start the connect again`)
  }
  const realmId = answer.realmId
  const sealed = sealTokens(secrets, tokens)
  return withTenant(services.db, scopeOf(principal, requestId), async (tx) => {
    const ctx = contextOf(services, principal, tx, requestId, null, () => {})
    const { sameCompany } = await saveConnection(tx, principal.tenantId, realmId, sealed, principal.actor.id)
    await ctx.audit({
      entityType: 'quickbooks_connection',
      entityId: principal.tenantId,
      action: 'connect',
      after: { realm_id: realmId, status: 'connected', same_company: sameCompany },
    })
    return { realm_id: realmId, same_company: sameCompany }
  })
}

/** Uses up the state, committed at once so a second use is refused even when the exchange fails. */
async function useState(services: Services, principal: Principal, state: string, now: Date, requestId: string): Promise<void> {
  const found = await withTenant(services.db, scopeOf(principal, requestId), async (tx) => {
    const r = await tx.query<{ expires_at: Date }>('delete from quickbooks_connect_states where state_hash = $1 returning expires_at', [
      hashSecret(state),
    ])
    return r.rows[0] ?? null
  })
  if (!found) {
    throw new AppError(
      'CONFLICT',
      'This QuickBooks connect link was already used or was not started by your business: start again from Settings, QuickBooks',
      { field: 'state' },
    )
  }
  if (found.expires_at.getTime() < now.getTime()) {
    throw new AppError(
      'CONFLICT',
      `This QuickBooks connect link expired (it lasts ${CONNECT_STATE_MINUTES} minutes): start again from Settings, QuickBooks`,
      { field: 'state' },
    )
  }
}
