import { LINK_FILES } from '../domains/link-files.js'
import { isSecretLink, type SecretLink } from './secret-link.js'

/**
 * Every kind of secret link, found by convention: each `*-links` file of a domain folder exports its kinds (the generated index link-files.ts), made by
 * defineSecretLink. Taken in the order of their paths; a kind name declared twice is refused.
 */
function declaredLinkKinds(): SecretLink[] {
  const found: SecretLink[] = []
  for (const [file, exports] of Object.entries(LINK_FILES)) {
    for (const value of Object.values(exports as Record<string, unknown>)) {
      if (!isSecretLink(value) || found.includes(value)) continue
      if (found.some((k) => k.kind === value.kind)) throw new Error(`Link kind ${value.kind} is declared twice (${file})`)
      found.push(value)
    }
  }
  return found
}

/** The link kinds the domains declare, found once at start. */
export const LINK_KINDS: readonly SecretLink[] = declaredLinkKinds()
