import { createRequire } from 'node:module'

const requireHere = createRequire(import.meta.url)

/**
 * A provider's package, loaded the first time a client for it is made rather than when the server starts: a business
 * without Stripe, Resend or a model never pays for loading their SDKs (together over half a second of every start).
 */
export function lazyPackage<T>(name: string): () => T {
  let loaded: T | undefined
  return () => (loaded ??= requireHere(name) as T)
}
