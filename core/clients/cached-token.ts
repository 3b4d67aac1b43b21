/** A token with its expiry, or why the provider refused to renew it. */
export type TokenOutcome =
  | { token: string; expiresAt: number; refused?: undefined }
  | { refused: Error; token?: undefined; expiresAt?: undefined }

/** Gives a client an access token, and a fresh one after the provider refused the last. */
export interface CachedTokenSource {
  accessToken(): Promise<string>
  afterUnauthorized(): Promise<string>
}

/**
 * An account's access token kept in this process while it has more than `aheadMs` left; `renew` reads or refreshes it
 * (given the token the provider just refused, after a 401), and a refusal it reports is thrown.
 */
export function cachedTokenSource(
  now: () => Date,
  aheadMs: number,
  renew: (refusedToken: string | undefined) => Promise<TokenOutcome>,
): CachedTokenSource {
  let current: { token: string; expiresAt: number } | null = null
  const fetchToken = async (refused: boolean): Promise<string> => {
    const outcome = await renew(refused ? current?.token : undefined)
    if (outcome.refused) throw outcome.refused
    current = { token: outcome.token, expiresAt: outcome.expiresAt }
    return outcome.token
  }
  return {
    async accessToken() {
      if (current && current.expiresAt - aheadMs > now().getTime()) return current.token
      return fetchToken(false)
    },
    afterUnauthorized: () => fetchToken(true),
  }
}

/** True when the stored token may be used: it is not the one just refused and has more than `aheadMs` left. */
export function storedTokenUsable(
  stored: string,
  refusedToken: string | undefined,
  expiresAt: number,
  aheadMs: number,
  now: Date,
): boolean {
  return stored !== refusedToken && expiresAt - aheadMs > now.getTime()
}
