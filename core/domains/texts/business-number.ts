import { businessOfSecret, type LinkKindName } from '../../db/secret-lookups.js'
import { withSignInLookup } from '../../db/tenant.js'
import type { Services } from '../../kernel/context.js'

/** The lookup kind under which each business's texting number leads to it (migration 0138). */
const TEXT_NUMBER = 'text_number' as LinkKindName

/** The business whose texting number this is (E.164), from the global lookup; null when none here has it. */
export async function businessOfNumber(services: Services, number: string): Promise<string | null> {
  return withSignInLookup(services.db, { tokenHash: number }, (tx) => businessOfSecret(tx, TEXT_NUMBER, number))
}
