import type { MailAddress } from './words.js'

/** Reads one header of an email by name, any case; null when it has none. */
export type HeaderReader = (name: string) => string | null

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
 * Why an email is bulk or automated mail by its headers and sender, or null when a person wrote it: a mailing list or
 * newsletter (List-Unsubscribe, List-Id, Precedence bulk/list/junk), an automatic answer (Auto-Submitted other than
 * "no", X-Autoreply, X-Autorespond), or a machine's address (noreply, mailer-daemon, notifications...).
 */
export function automatedReason(header: HeaderReader, from: string | null): string | null {
  if (header('List-Unsubscribe') || header('List-Id')) return 'newsletter'
  if (/^\s*(bulk|list|junk)\s*$/i.test(header('Precedence') ?? '')) return 'newsletter'
  const auto = header('Auto-Submitted')
  if ((auto && !/^\s*no\s*$/i.test(auto)) || header('X-Autoreply') || header('X-Autorespond')) return 'automated'
  if (from && MACHINE_SENDER.test(from)) return 'automated'
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

/** Whether the email answers another (In-Reply-To or References, or a Re: subject). */
export function isReply(header: HeaderReader, subject: string | null): boolean {
  return Boolean(header('In-Reply-To') || header('References') || /^\s*re\s*:/i.test(subject ?? ''))
}

/** The domain of an address, or null for a public mail service's (which says nothing about who the sender is). */
export function ownDomainOf(address: string): string | null {
  const domain = address.split('@')[1]?.toLowerCase() ?? ''
  return domain && !PUBLIC_DOMAINS.has(domain) ? domain : null
}

/** Whether the business is among an email's direct recipients (To or Cc), not only a blind copy of a list. */
export function addressedTo(recipients: MailAddress[], ours: ReadonlySet<string>): boolean {
  return recipients.some((a) => ours.has(a.address))
}
