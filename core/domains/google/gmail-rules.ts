import { addressesOf, type GmailMessageResource, headerOf } from './gmail-message.js'

/** Gmail's tabs for bulk mail: what lands there is not a person writing to the business. */
const BULK_CATEGORIES = ['CATEGORY_PROMOTIONS', 'CATEGORY_SOCIAL', 'CATEGORY_UPDATES', 'CATEGORY_FORUMS']

/** Labels whose messages are never read: drafts, spam, the bin and chats. */
export const NEVER_READ_LABELS = ['DRAFT', 'SPAM', 'TRASH', 'CHAT']

/** Sender names of machines. */
const MACHINE_SENDER = /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon|postmaster|bounces?|notifications?|alerts?)([-+_.].*)?@/i

/** Web mail services anyone has an address at: sharing one is not being one of the business. */
const PUBLIC_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
])

/**
 * Why a message is bulk or automated mail, or null when a person wrote it: a mailing list or newsletter (List-Unsubscribe,
 * List-Id, Precedence bulk/list/junk), an automatic answer (Auto-Submitted other than "no", X-Autoreply, X-Autorespond),
 * a machine's address (noreply, mailer-daemon, notifications...), or Gmail's Promotions, Social, Updates or Forums tab.
 */
export function automatedReason(message: GmailMessageResource, from: string | null): string | null {
  if (headerOf(message, 'List-Unsubscribe') || headerOf(message, 'List-Id')) return 'newsletter'
  if (/^\s*(bulk|list|junk)\s*$/i.test(headerOf(message, 'Precedence') ?? '')) return 'newsletter'
  const auto = headerOf(message, 'Auto-Submitted')
  if ((auto && !/^\s*no\s*$/i.test(auto)) || headerOf(message, 'X-Autoreply') || headerOf(message, 'X-Autorespond')) return 'automated'
  if (from && MACHINE_SENDER.test(from)) return 'automated'
  if ((message.labelIds ?? []).some((l) => BULK_CATEGORIES.includes(l))) return 'newsletter'
  return null
}

/** A subject without its Re:/Fwd: prefixes, spaces folded, lower-cased: the same conversation's subject. */
export function subjectCore(subject: string | null): string {
  let s = (subject ?? '').trim()
  for (;;) {
    const next = s.replace(/^(re|fw|fwd|aw|sv|antw)\s*(\[\d+\])?\s*:\s*/i, '')
    if (next === s) break
    s = next
  }
  return s.replace(/\s+/g, ' ').toLowerCase()
}

/** Whether the message answers another (In-Reply-To or References, or a Re: subject). */
export function isReply(message: GmailMessageResource): boolean {
  return Boolean(
    headerOf(message, 'In-Reply-To') || headerOf(message, 'References') || /^\s*re\s*:/i.test(headerOf(message, 'Subject') ?? ''),
  )
}

/** The domain of an address, or null for a public mail service's (which says nothing about who the sender is). */
export function ownDomainOf(address: string): string | null {
  const domain = address.split('@')[1]?.toLowerCase() ?? ''
  return domain && !PUBLIC_DOMAINS.has(domain) ? domain : null
}

/** Whether the business is among the message's direct recipients (To or Cc), not only a blind copy of a list. */
export function addressedTo(message: GmailMessageResource, ours: ReadonlySet<string>): boolean {
  return [...addressesOf(headerOf(message, 'To')), ...addressesOf(headerOf(message, 'Cc'))].some((a) => ours.has(a.address))
}
