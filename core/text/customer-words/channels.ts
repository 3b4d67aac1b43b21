import { createRequire } from 'node:module'
import { isValidIBAN } from 'ibantools'
import { LinkifyIt } from 'linkify-it'
import { type CountryCode, parsedPhone, phoneKey } from '../../vocabulary/phone.js'
import { punctuationFolded } from './readable.js'
import type { ReadableText } from './text-map.js'

/*
 * The ways to reach or pay someone that a text gives, by their shape, not by a list of names: phone numbers, email
 * addresses, web addresses and bare domains, handles and $cashtags, IBANs, long codes such as card, account or wallet
 * addresses, and any run of seven digits or more. A channel of the business itself (its phone, email and web site from
 * its settings, the review page it set) or of the customer the words are for is no finding: everything else is.
 */

/** The business's own channels and the customer's, which its words may name. */
export interface OwnChannels {
  phones: readonly string[]
  emails: readonly string[]
  /** Hosts whose pages are the business's (its web site); any page on them or a subdomain. */
  sites: readonly string[]
  /** Exact addresses the owner set (the review page), and anything under them. */
  links: readonly string[]
  country?: CountryCode
}

/** A place in the plain view where a text names a channel that is not the business's or the customer's. */
export interface ChannelFinding {
  start: number
  end: number
  kind: string
}

const require = createRequire(import.meta.url)
const TLDS: string[] = require('tlds')
/** Every top-level domain, and the reserved ones a test or a fraud uses as well (RFC 2606). */
const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: true, fuzzyIP: true, urlAuth: true })
  .tlds(TLDS)
  .tlds(['example', 'test', 'invalid', 'localhost', 'onion', 'local'], true)

const HANDLE = /(?<![\w@.$])@ ?[A-Za-z_][A-Za-z0-9_.]{1,30}(?: ?_ ?[A-Za-z0-9.]+)*(?<!\.)/g
const CASHTAG = /(?<![\w$])\$ ?[A-Za-z][A-Za-z0-9_]{1,20}\b/g
/**
 * A name on an app, in the shapes such names take and words do not: letters with an underscore or a dot between them
 * ("mike_cleans", "rcw.accounts"), letters then two digits or more ("mikecleans256"), a tag after # ("mike#4417").
 */
const ACCOUNT_NAME =
  /(?<![\w@$./#-])(?:[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+|\.[a-z0-9][A-Za-z0-9]*)+|[A-Za-z]{3,}\d{2,}|[A-Za-z][\w]*#\d{3,})(?![\w@/-]|\.\w)/g
/** Words a name on an app follows with a colon or "is" ("IG: rcw", "alias: ...", "username is ..."), or in its shape ("handle Mike-Cleans"). */
const NAMED_ACCOUNT =
  /\b(?:handle|username|user\s*name|user\s*id|alias|usuario|instagram|insta|ig|threads|tiktok|facebook|fb|twitter)\b(?:\s*(?::|-|\bis\b|\bes\b)\s*@?[A-Za-z0-9][A-Za-z0-9_.#-]{2,}|\s+@?[A-Za-z0-9]+[_.#-][A-Za-z0-9_.#-]+)/gi
/** A messenger's name and the name on it after it ("Kik rcwbilling", "WeChat ID: rcw_crew88"). */
const MESSENGER_ACCOUNT =
  /\b(?:kik|snap(?:chat)?|discord|telegram|whatsapp|signal|wechat(?:\s*id)?|line\s+id|skype|viber)\b\s*(?::|-)?\s*(?:is\s+|es\s+)?@?(?!(?:on|at|us|me|or|and|the|a|to|with|for|en|el|la|de|y|o|app|is|es|only|too|also|message|messages|chat|group|call)\b)[A-Za-z0-9][A-Za-z0-9_.#-]{2,}/gi
/** Currency codes written after a dollar sign ("$USD") are money, not a cashtag. */
const CURRENCY = /^\$(?:usd|cad|aud|nzd|mxn|eur|gbp|tbd|tba|na|xx+)$/i
/**
 * Two letters and two digits, then eleven or more letters or digits, a single space, dot, dash, underscore or slash
 * between them; not glued by a dash onto a code before it (the last groups of a UUID are no IBAN).
 */
const IBAN_SHAPED = /(?<![A-Za-z0-9]|[A-Za-z0-9]-)[A-Za-z]{2}\d{2}(?:[ ._/-]?[A-Za-z0-9]){11,32}/g
/** Twenty letters and digits or more in one piece, with both in it: a card, account or wallet address, a key. */
const LONG_CODE = /(?<![\w/=.?&#@$-])[A-Za-z0-9]{20,}(?![\w])/g
/**
 * Digits in groups, each joined to the next by up to three spaces (line breaks too), dots, dashes, underscores,
 * slashes or middle dots, or by brackets ("(256) 555-0199", "021.000.021", "256/555/0199"), with a plus before them; not
 * a record's number after its letters ("INV-2026-0104", "Q-2026-0031").
 */
const DIGIT_RUN = /(?<![0-9]|[A-Z]{1,6}[-#]|[-_./#:]\d*)(?:\+ ?)?\(?\d+(?:(?:\)? ?|[\s.\-_/·•]{1,3}\(?)\d+)*\)?/g
/** An address at a mail service said in words ("DanaW1974 at hotmail"), which a reader completes. */
const MAIL_SERVICE = /\b[\w.+-]+\s+(?:at|en|arroba)\s+(?:gmail|hotmail|yahoo|outlook|icloud|aol|proton(?:mail)?|live|msn|gmx|zoho)\b/gi
/** A truncated or spaced wallet address: "0x742d…f44e", "bc1q w508 d6qe jxtd g4y5 ...". */
const WALLET_PIECES = /\b0x[0-9a-fA-F]{4,}|\b(?:bc1|ltc1)[a-z0-9]{1,4}(?:\s[a-z0-9]{2,5}){4,}/g
/** The fewest digits in a run that could be dialled or paid to. */
const RUN_DIGITS = 7
/** Shapes of digit runs that are neither: dates and ZIP+4 codes. */
const NOT_A_CHANNEL = /^(?:\d{4}[-./]\d\d[-./]\d\d|\d\d?[-./]\d\d?[-./]\d{2}(?:\d\d)?|\d{5}-\d{4})$/
/** Groups of a phone number said with a few words between them ("area code 256, then 555, then 0199"). */
const SAID_GROUPS = /(?<!\d)(\d{3})\D{1,12}?(\d{3})\D{1,12}?(\d{4})(?!\d)/g

/** Every channel the plain view of a written text names that is not among own, in the order of the text. */
export function channelFindings(plain: ReadableText, own: OwnChannels, written: string): ChannelFinding[] {
  const text = plain.text
  // A channel is own only as written: a look-alike letter, a hidden character or a defanged dot makes it another's.
  const asWritten = (start: number, end: number) =>
    punctuationFolded(written.slice(plain.from[start], plain.to[end - 1])) === text.slice(start, end)
  const found: ChannelFinding[] = []
  // The business's own channels, found and let be: no other rule reads them again.
  const ownSpans: Array<{ start: number; end: number }> = []
  const taken = (start: number, end: number) => [...found, ...ownSpans].some((f) => start < f.end && f.start < end)
  const add = (start: number, end: number, kind: string) => {
    if (!taken(start, end)) found.push({ start, end, kind })
  }
  for (const m of linkify.match(text) ?? []) {
    const email = m.schema === 'mailto:' || (!m.schema && /^[^/:]+@/.test(m.raw))
    const mine = asWritten(m.index, m.lastIndex)
    const ours = mine && (email ? isOwnEmail(m.url.replace(/^mailto:/i, ''), own) : isOwnLink(m.url, own))
    if (ours) ownSpans.push({ start: m.index, end: m.lastIndex })
    else add(m.index, m.lastIndex, email ? 'an email address' : 'a web address')
  }
  for (const m of text.matchAll(IBAN_SHAPED)) {
    const length = validIbanLength(m[0])
    if (length) add(m.index, m.index + length, 'an IBAN')
  }
  for (const m of text.matchAll(LONG_CODE)) {
    if (/[A-Za-z]/.test(m[0]) && /\d.*\d/.test(m[0])) add(m.index, m.index + m[0].length, 'an account or wallet code')
  }
  for (const m of text.matchAll(HANDLE)) add(m.index, m.index + m[0].length, 'a handle')
  for (const m of text.matchAll(CASHTAG)) if (!CURRENCY.test(m[0].replace(' ', ''))) add(m.index, m.index + m[0].length, 'a $cashtag')
  for (const pattern of [NAMED_ACCOUNT, MESSENGER_ACCOUNT]) {
    for (const m of text.matchAll(pattern)) add(m.index, m.index + m[0].length, 'a name on an app')
  }
  for (const m of text.matchAll(DIGIT_RUN)) {
    const run = m[0].trim()
    if (run.replace(/\D/g, '').length < RUN_DIGITS || NOT_A_CHANNEL.test(run)) continue
    if (asWritten(m.index, m.index + m[0].length) && isOwnPhone(run, own)) {
      ownSpans.push({ start: m.index, end: m.index + m[0].length })
      continue
    }
    add(m.index, m.index + m[0].length, parsedPhone(run, own.country) ? 'a phone number' : 'a number like an account number')
  }
  for (const m of text.matchAll(SAID_GROUPS)) {
    const digits = m.slice(1, 4).join('')
    if (parsedPhone(digits, own.country)?.isValid() && !isOwnPhone(digits, own)) add(m.index, m.index + m[0].length, 'a phone number')
  }
  for (const m of text.matchAll(MAIL_SERVICE)) add(m.index, m.index + m[0].length, 'an email address')
  for (const m of text.matchAll(WALLET_PIECES)) add(m.index, m.index + m[0].length, 'an account or wallet code')
  for (const m of text.matchAll(ACCOUNT_NAME)) {
    if (!CODE_NOT_NAME.test(m[0])) add(m.index, m.index + m[0].length, 'a name on an app')
  }
  return found.sort((a, b) => a.start - b.start)
}

/** Shapes that look like names on an app but are a business's own writing: abbreviations ("e.g", "a.m"), record numbers. */
const CODE_NOT_NAME =
  /^(?:[A-Za-z](?:\.[A-Za-z])+|[A-Z]{1,6}\d+|(?:no|nr|num|ft|in|approx|vs|etc|st|ave|dr|mr|mrs|ms|jr|sr|inc|llc|co)\.\w+)$/i

function isOwnEmail(address: string, own: OwnChannels): boolean {
  const wanted = address.trim().toLowerCase()
  return own.emails.some((e) => e.trim().toLowerCase() === wanted)
}

/** Whether an address is a page of the business's site (or a subdomain of it), or under a link the owner set. */
function isOwnLink(url: string, own: OwnChannels): boolean {
  const parsed = URL.canParse(url) ? new URL(url) : URL.canParse(`http://${url}`) ? new URL(`http://${url}`) : null
  if (!parsed || parsed.username || parsed.password) return false
  const host = parsed.hostname.toLowerCase().replace(/^www\./, '')
  // A page of the site that names another address (a redirect: "?to=https://elsewhere.example") is not the site's.
  const rest = safeDecode(`${parsed.pathname}${parsed.search}${parsed.hash}`)
  if (/https?:|\/\/|www\./i.test(rest) || linkify.test(rest.replace(/[/?=&#]/g, ' '))) return false
  if (own.sites.some((site) => host === site || host.endsWith(`.${site}`))) return true
  const bare = (u: string) =>
    u
      .replace(/^https?:\/\//i, '')
      .replace(/\/+$/, '')
      .toLowerCase()
  const given = bare(parsed.href)
  return own.links.some((link) => {
    const ownLink = bare(link)
    return given === ownLink || given.startsWith(`${ownLink}/`) || given.startsWith(`${ownLink}?`)
  })
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** The keys of a set of own channels' phones, read once per set: every digit run of every text is compared with them. */
const ownPhoneKeys = new WeakMap<OwnChannels, Set<string>>()

function isOwnPhone(run: string, own: OwnChannels): boolean {
  let keys = ownPhoneKeys.get(own)
  if (!keys) {
    keys = new Set(own.phones.filter((p) => p.trim() !== '').map((p) => phoneKey(p, own.country)))
    ownPhoneKeys.set(own, keys)
  }
  return keys.has(phoneKey(run, own.country))
}

/** The length of the longest valid IBAN a candidate starts with, ending where a group ends (0 when none). */
function validIbanLength(candidate: string): number {
  for (let end = candidate.length; end >= 15; end--) {
    if (end < candidate.length && /[A-Za-z0-9]/.test(candidate[end])) continue
    if (
      isValidIBAN(
        candidate
          .slice(0, end)
          .replace(/[ ._/-]/g, '')
          .toUpperCase(),
      )
    )
      return end
  }
  return 0
}

/** The host of a web site as the owner wrote it ("https://www.rocketcitywindows.com/" is rocketcitywindows.com); null when none. */
export function siteHost(website: string | null | undefined): string | null {
  const written = website?.trim()
  if (!written) return null
  const url = URL.canParse(written) ? new URL(written) : URL.canParse(`https://${written}`) ? new URL(`https://${written}`) : null
  return url ? url.hostname.toLowerCase().replace(/^www\./, '') : null
}
