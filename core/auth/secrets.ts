import { createHash, randomBytes } from 'node:crypto'

/** 32 random bytes, URL-safe: the secret of a sign-in link, a session or an agent token. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** How a secret is stored: only its SHA-256, so a stolen table signs nobody in. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}
