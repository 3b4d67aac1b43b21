import { hashSecret, newSecret } from '../../auth/secrets.js'
import { GoogleError } from '../../clients/google.js'
import type { OperationContext, Principal, Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import { AppError } from '../../kernel/errors.js'
import { contextOf, scopeOf } from '../../kernel/operations-context.js'
import { requireGoogle } from './availability.js'
import { loadGoogleConnection, saveGoogleConnection } from './connection.js'
import { FEATURE_ROLES, FEATURE_SCOPES, featureGranted, type GoogleFeature } from './features.js'
import { sealGoogleTokens } from './tokens.js'

/** How long a person has to consent at Google before the connect must be started again. */
export const GOOGLE_CONNECT_MINUTES = 10

/** Where Google sends the person back: this server's callback, registered as a redirect URI of the Google app. */
export function googleCallbackUrl(services: Services): string {
  return `${services.config.publicBaseUrl}/settings/google/callback`
}

/** A connect begun: Google's consent page to send the person to, and until when it may be finished. */
export interface GoogleConnectStart {
  authorize_url: string
  redirect_uri: string
  expires_at: Date
}

/**
 * Begins a connect for the person acting, asking Google only for the scopes of the features they turn on (added to
 * those granted before). The state is random; only its hash is kept (one use, ten minutes, this person).
 */
export async function startGoogleConnect(ctx: OperationContext, features: GoogleFeature[]): Promise<GoogleConnectStart> {
  const { client } = requireGoogle(ctx.services)
  if (ctx.actor.type !== 'user')
    throw new AppError('FORBIDDEN', 'A Google account is connected by the person whose account it is, signed in')
  const role = ctx.actor.role
  for (const feature of features) {
    if (!FEATURE_ROLES[feature].includes(role)) {
      throw new AppError('FORBIDDEN', `Only the owner brings the business's Google ${feature} in; you may connect your own calendar`, {
        field: 'data.features',
      })
    }
  }
  const state = newSecret()
  const expiresAt = new Date(ctx.services.now().getTime() + GOOGLE_CONNECT_MINUTES * 60_000)
  await ctx.db.query('delete from google_connect_states where expires_at < $1', [ctx.services.now()])
  await ctx.db.query(
    'insert into google_connect_states (tenant_id, state_hash, user_id, features, expires_at) values ($1, $2, $3, $4, $5)',
    [ctx.tenantId, hashSecret(state), ctx.actor.id, features, expiresAt],
  )
  const before = await loadGoogleConnection(ctx.db, ctx.actor.id)
  const redirectUri = googleCallbackUrl(ctx.services)
  const authorizeUrl = client.authorizeUrl({
    state,
    redirectUri,
    scopes: features.flatMap((f) => FEATURE_SCOPES[f]),
    loginHint: before?.google_email,
  })
  return { authorize_url: authorizeUrl, redirect_uri: redirectUri, expires_at: expiresAt }
}

/** What Google sent the person back with, as the callback's query holds it. */
export interface GoogleConnectAnswer {
  state: string
  code?: string
  /** Google's refusal (the person pressed Cancel: access_denied) instead of a code. */
  error?: string
}

/** The account connected and the features now on. */
export interface GoogleConnectFinished {
  email: string
  features: GoogleFeature[]
  same_account: boolean
}

/**
 * Finishes a connect for the signed-in person: the state is used up first (once, before its expiry, by the person who
 * began it), then Google's code is exchanged outside any transaction, and the tokens are kept sealed.
 */
export async function finishGoogleConnect(
  services: Services,
  principal: Principal,
  answer: GoogleConnectAnswer,
  requestId: string,
): Promise<GoogleConnectFinished> {
  const { client, secrets } = requireGoogle(services)
  const features = await useState(services, principal, answer.state, requestId)
  if (answer.error) {
    throw new AppError(
      'CONFLICT',
      answer.error === 'access_denied'
        ? 'Google was not connected: the permission was not given at Google'
        : `Google did not connect: ${answer.error}`,
      { field: 'error' },
    )
  }
  if (!answer.code) {
    throw new AppError('VALIDATION_ERROR', 'Google sent no code back: start the connect again', {
      issues: [{ field: 'code', message: 'is required' }],
    })
  }
  let email: string
  let tokens: Awaited<ReturnType<typeof client.exchangeCode>>
  try {
    tokens = await client.exchangeCode(answer.code, googleCallbackUrl(services), services.now())
    email = await client.userEmail(tokens.accessToken)
  } catch (err) {
    if (!(err instanceof GoogleError)) throw err
    throw new AppError('CONFLICT', `Google did not connect: Google refused the code (${err.message}); start the connect again`)
  }
  const missing = features.filter((f) => !featureGranted(f, tokens.scopes))
  const on = features.filter((f) => featureGranted(f, tokens.scopes))
  const sealed = sealGoogleTokens(secrets, tokens)
  const actorId = principal.actor.type === 'user' ? principal.actor.id : ''
  const result = await withTenant(services.db, scopeOf(principal, requestId), async (tx) => {
    const ctx = contextOf(services, principal, tx, requestId, null, () => {})
    const { sameAccount } = await saveGoogleConnection(tx, {
      tenantId: principal.tenantId,
      userId: actorId,
      email,
      tokens: sealed,
      scopes: tokens.scopes,
      features: on,
    })
    await ctx.audit({
      entityType: 'google_connection',
      entityId: actorId,
      action: 'connect',
      after: { google_email: email, features: on, scopes: tokens.scopes, same_account: sameAccount },
    })
    return { email, features: on, same_account: sameAccount }
  })
  if (missing.length) {
    throw new AppError(
      'CONFLICT',
      `Google connected ${email}, but not every permission for ${missing.join(' and ')} was given: connect again and tick them`,
      {
        field: 'scope',
      },
    )
  }
  return result
}

/** Uses up the state, committed at once so a second use is refused even when the exchange fails; gives its features. */
async function useState(services: Services, principal: Principal, state: string, requestId: string): Promise<GoogleFeature[]> {
  const userId = principal.actor.type === 'user' ? principal.actor.id : null
  const found = await withTenant(services.db, scopeOf(principal, requestId), async (tx) => {
    const r = await tx.query<{ expires_at: Date; features: GoogleFeature[] }>(
      'delete from google_connect_states where state_hash = $1 and user_id = $2 returning expires_at, features',
      [hashSecret(state ?? ''), userId],
    )
    return r.rows[0] ?? null
  })
  if (!found) {
    throw new AppError(
      'CONFLICT',
      'This Google connect link was already used or was not started by you: start again from Settings, Google',
      {
        field: 'state',
      },
    )
  }
  if (found.expires_at.getTime() < services.now().getTime()) {
    throw new AppError(
      'CONFLICT',
      `This Google connect link expired (it lasts ${GOOGLE_CONNECT_MINUTES} minutes): start again from Settings, Google`,
      {
        field: 'state',
      },
    )
  }
  return found.features
}
