// The second rule of the unknown-answer walk over calls that change data (test/registry/unknown-answers-writes.test.ts):
// with an integration off or unreachable, an answer never claims that integration's effect (an email sent or on its way,
// a pay link) unless it says, beside the claim, that the integration is off or unreachable.

/** A status value or words that say the effect is not happening as claimed. */
const SAYS_SO = /\b(off|unreachable|unavailable|not connected|not set up|could not|cannot|outbox|not sent|not delivered|failed)\b/i

/** What a claim of an integration's effect looks like at one place of an answer: its key, its value and the keys above. */
type Claim = (key: string, value: unknown, path: string[]) => string | null

/** An email sent (always), or queued to go (only when `queued` counts: email off keeps it in the outbox). */
function emailClaim(queued: boolean): Claim {
  return (key, value, path) => {
    const emailish = /message|email|confirmation|reminder|offer/i.test([...path, key].join('.'))
    if (!emailish) return null
    if (key === 'status' && value === 'sent') return 'says an email was sent'
    if (/^(emailed_at|sent_at)$/.test(key) && typeof value === 'string' && /message|email/.test(path.join('.')))
      return 'says when an email was sent'
    if (!queued) return null
    if (key === 'status' && value === 'pending') return 'says an email is on its way'
    if (key === 'scheduled' && value === true) return 'says an email is scheduled'
    if (key === 'message_id' && typeof value === 'string') return 'names an email on its way'
    if (key === 'emailed_at' && value === null) return 'has an email still to go'
    return null
  }
}

/** A link to pay or save a card on Stripe's page. */
const payLinkClaim: Claim = (key, value) =>
  typeof value === 'string' &&
  (/checkout\.stripe|stripe\.com\/pay/.test(value) || (/pay(ment)?_(url|link)|checkout_url/.test(key) && value))
    ? 'gives a link to pay online'
    : null

/** The claims that stand for each integration's effect, by how it is switched. */
const CLAIMS: Record<string, Record<'off' | 'unreachable', Claim[]>> = {
  resend: { off: [emailClaim(true)], unreachable: [emailClaim(false)] },
  stripe: { off: [payLinkClaim], unreachable: [] },
}

/**
 * Where `answer` (given with the integrations `which` switched `how`) claims an effect of one of them with no status
 * field or words beside it (in the claim's object or one above it) saying it is off or unreachable, as sentences.
 */
export function unkeptClaims(answer: unknown, which: readonly string[], how: 'on' | 'off' | 'unreachable'): string[] {
  if (how === 'on') return []
  const claims = which.flatMap((name) => CLAIMS[name]?.[how] ?? [])
  const faults: string[] = []
  const walk = (value: unknown, path: string[], above: unknown[]) => {
    if (!value || typeof value !== 'object') return
    const level = [...above, value]
    for (const [key, v] of Object.entries(value)) {
      for (const claim of claims) {
        const what = claim(key, v, path)
        if (what && !level.some(saysSo)) faults.push(`${[...path, key].join('.')} ${what}`)
      }
      walk(v, [...path, key], level)
    }
  }
  walk(answer, [], [])
  return faults
}

/** Whether an object holds, at its own level, a string saying the effect is off or unreachable. */
function saysSo(level: unknown): boolean {
  if (!level || typeof level !== 'object') return false
  return Object.values(level).some((v) => typeof v === 'string' && SAYS_SO.test(v))
}
