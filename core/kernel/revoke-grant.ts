import type { OperationContext } from './context.js'

/**
 * Once the disconnect is committed, revokes an integration's grant with its stored (sealed) refresh token, which ends
 * every token of the grant at the provider. Nothing is revoked without the provider's client or a token that opens:
 * a token sealed under another key is forgotten all the same.
 */
export function revokeAfterCommit(
  ctx: OperationContext,
  client: { revoke(token: string): Promise<void> } | null | undefined,
  sealedRefreshToken: string | null,
): void {
  if (!client || !sealedRefreshToken || !ctx.services.secrets) return
  let refreshToken: string
  try {
    refreshToken = ctx.services.secrets.open(sealedRefreshToken)
  } catch {
    return
  }
  ctx.afterCommit(() => client.revoke(refreshToken))
}
