import { createRequire } from 'node:module'
import { numbersAsDigits } from './number-words.js'
import { type ReadableText, rewrite } from './text-map.js'

export type { ReadableText }

/*
 * A text as a customer reads it, so the rules look at what the reader sees and not at how it was typed. Two views, each
 * character remembering the span of the written text it came from, so a finding quotes the text as written:
 *
 * - the plain view: invisible characters dropped (zero-width spaces and joiners, soft hyphens, direction marks); each
 *   character read through NFKC (full-width, circled, mathematical letters), accents removed, small capitals and the
 *   Unicode confusables (TR39's table: Cyrillic, Greek, Cherokee... letters that look Latin) as their Latin letter,
 *   digits of other scripts as 0-9, dashes as "-", curly quotes as plain ones; the product's own template variables
 *   ({{payment_link}}) as a space, since the product writes what they hold; defanged addresses made whole again
 *   ("example[.]com", "name (at) mail [dot] com", "hxxps://"); numbers written as words as digits ("two five six" is
 *   256); letters and digits spelled out one at a time ("Z e l l e", "2.5.6") joined. Channels (phones, addresses,
 *   links, account numbers) are read here.
 * - the word view: the plain view in small letters with the skeleton's own confusions of ASCII folded (I and | as l,
 *   "rn" as m) and digits or symbols inside a word read as the letters they stand for ("zel1e", "Ca$hApp", "V3nmo").
 *   Words about paying are read here.
 */

/** Both views of one written text. */
export interface ReadableViews {
  plain: ReadableText
  words: ReadableText
}

const INVISIBLE = /^[\p{Cf}\u115f\u1160\u3164\uffa0]$/u
const MARKS = /\p{M}/gu
const OTHER_DIGIT = /^\p{Nd}$/u
const ASCII_WORD = /^[A-Za-z0-9]+$/

/** Latin small capitals, a to z (q is U+A7AF), which neither NFKC nor the confusables table folds. */
const SMALL_CAPITALS = 'ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡxʏᴢ'
const PUNCTUATION_FROM =
  '\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\u2018\u2019\u201a\u201b\u02bc\u2032\u0060\u00b4\u201c\u201d\u201e\u2033\t\r\u2028\u2029\u0085\u00a0'
const PUNCTUATION_TO = "----------''''''''\"\"\"\" \n\n\n\n "

const FOLD = new Map<string, string>([
  ...[...SMALL_CAPITALS].map((c, i): [string, string] => [c, String.fromCharCode(97 + i)]),
  ...[...PUNCTUATION_FROM].map((c, i): [string, string] => [c, PUNCTUATION_TO[i]]),
])

/** A text with only its punctuation and spaces folded (dashes, quotes, no-break spaces) and NFKC: how own channels are compared as written. */
export function punctuationFolded(written: string): string {
  return [...written.normalize('NFKC')]
    .map((c) => (PUNCTUATION_FROM.includes(c) ? PUNCTUATION_TO[PUNCTUATION_FROM.indexOf(c)] : c))
    .join('')
}

/** Unicode's confusables (TR39), as the unhomoglyph package keeps them: a character and the prototype it looks like. */
const confusables: Record<string, string> = createRequire(import.meta.url)('unhomoglyph/data.json')

/** A non-ASCII character the confusables table reads as Latin letters or digits. */
function confusable(c: string): string | undefined {
  if (c.charCodeAt(0) < 0x80) return undefined
  const prototype = confusables[c]
  return prototype && ASCII_WORD.test(prototype) ? prototype : undefined
}

const PLACEHOLDER = /\{\{\s*[A-Za-z_][\w.]*\s*\}\}/g
/** Defanged dots: [.] (.) {.} [dot] (dot) <dot>, and " dot " or " punto " before a top-level domain's letters. */
const DEFANGED_DOT = /\s?[[({<]\s*(?:\.|dot|punto)\s*[\])}>]\s?|\s+(?:dot|punto)\s+(?=[a-z]{2,}\b)/gi
/**
 * Defanged at signs: [at] (at) {at} [@] (@). A bare " at " stays a word ("mike at gmail dot com" still shows its domain,
 * which is read as an address), since "book at our site.com" says the same.
 */
const DEFANGED_AT = /\s?[[({<]\s*(?:at|@|arroba)\s*[\])}>]\s?/gi
const DEFANGED_SCHEME = /\bh(?:xx|XX|\*\*|tt)p(s?)(?:\[:\]|:)(?:\/\/|\[\/\/\])/g
// A letter or digit standing alone, then more alone, each joined by a space or by one mark with a space on either side.
const SPELLED_OUT = /(?<![A-Za-z0-9])[A-Za-z0-9](?:(?: ?[.\-_*·•|/+~@:] ?| )[A-Za-z0-9](?![A-Za-z0-9])){2,}/g
/** A mark between spelled-out letters that is part of what they spell: "@" and ":" always, "." and "/" set apart by spaces. */
const SPELLED_MARK = /^(?: ?[@:] ?| [./] )$/
/** Spaces inside a written address: "https:// name . example", which a reader still follows. */
const SPACED_ADDRESS = /(?<=https?:\/\/)\s+|(?<=[A-Za-z0-9])\s+\.\s+(?=[a-z]{2,}\b)/g
/** Letters that stand for digits inside a number ("256-555-O199", "l0 digits"): O and o as 0, I and l as 1. */
const DIGIT_LOOKALIKES = /(?<![A-Za-z])[0-9OoIl]*\d[0-9OoIl]*(?![A-Za-z])/g

/** Digits and symbols that stand for letters inside a word ("zel1e", "Ca$hApp", "p@y"). */
const LEET: Record<string, string> = { '0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', $: 's', '@': 'a', '!': 'i', '|': 'l' }
/** A run of letters, digits and the symbols that stand for letters. */
const WORDLIKE = /[A-Za-z0-9$@!|]+/g
const LETTER = /[A-Za-z]/

/** Both views of a written text. */
export function readableViews(written: string): ReadableViews {
  const plain = joinSpelledOut(digitsForLookalikes(numbersAsDigits(undefang(blankPlaceholders(foldCharacters(written))))))
  return { plain, words: wordView(plain) }
}

/** Text in ASCII alone, whose small letters are one for one. */
const ASCII_ONLY = /^\p{ASCII}*$/u

function foldCharacters(written: string): ReadableText {
  const out: ReadableText = { text: '', from: [], to: [] }
  const chars: string[] = []
  let at = 0
  for (const ch of written) {
    const end = at + ch.length
    if (ch.charCodeAt(0) < 0x80) {
      // ASCII: nothing in it is invisible or marked, NFKC keeps it, and of FOLD only tab, carriage return and backtick.
      chars.push(FOLD.get(ch) ?? ch)
      out.from.push(at)
      out.to.push(end)
    } else if (!INVISIBLE.test(ch)) {
      const folded = ch.normalize('NFKC').normalize('NFD').replace(MARKS, '')
      for (const c of folded) {
        const plain = FOLD.get(c) ?? confusable(c) ?? plainDigit(c)
        // One entry per UTF-16 unit, so text and its offsets stay aligned.
        for (let k = 0; k < plain.length; k++) {
          chars.push(plain[k])
          out.from.push(at)
          out.to.push(end)
        }
      }
    }
    at = end
  }
  out.text = chars.join('')
  return out
}

/** A digit of another script (Arabic-Indic, Devanagari...) as 0-9; digits come in runs of ten from zero. */
function plainDigit(c: string): string {
  if (c >= '0' && c <= '9') return c
  if (!OTHER_DIGIT.test(c)) return c
  const code = c.codePointAt(0) as number
  let zero = code
  while (code - zero < 9 && OTHER_DIGIT.test(String.fromCodePoint(zero - 1))) zero--
  return String(code - zero)
}

function blankPlaceholders(t: ReadableText): ReadableText {
  return rewrite(t, PLACEHOLDER, () => ' ')
}

function undefang(t: ReadableText): ReadableText {
  const schemes = rewrite(t, DEFANGED_SCHEME, (m) => `http${/s/i.test(m.slice(4, 6)) ? 's' : ''}://`)
  const spaced = rewrite(schemes, SPACED_ADDRESS, (m) => (m.includes('.') ? '.' : ''))
  return rewrite(
    rewrite(spaced, DEFANGED_DOT, () => '.'),
    DEFANGED_AT,
    () => '@',
  )
}

function joinSpelledOut(t: ReadableText): ReadableText {
  return rewrite(t, SPELLED_OUT, (match) =>
    match.replace(/[^A-Za-z0-9]+/g, (between) => (SPELLED_MARK.test(between) ? between.trim() : '')),
  )
}

function digitsForLookalikes(t: ReadableText): ReadableText {
  return rewrite(t, DIGIT_LOOKALIKES, (m) => (m.length >= 2 ? m.replace(/[Oo]/g, '0').replace(/[Il]/g, '1') : m))
}

/** The word view of the plain view: small letters, I and | as l, "rn" as m, digits and symbols in words as letters. */
function wordView(plain: ReadableText): ReadableText {
  // A digit reads as a letter anywhere in a word; a symbol only inside one ("Ca$hApp"), not at its end ("paid!").
  const read = rewrite(plain, WORDLIKE, (token) =>
    LETTER.test(token)
      ? [...token].map((c, i, all) => (c === 'I' ? 'l' : /\d/.test(c) || (i > 0 && i < all.length - 1) ? (LEET[c] ?? c) : c)).join('')
      : token,
  )
  // A character whose small letter is longer ("İ") stays as it is, so the text and its spans stay aligned.
  const lower = ASCII_ONLY.test(read.text)
    ? read.text.toLowerCase()
    : [...read.text]
        .map((c) => {
          const l = c.toLowerCase()
          return l.length === c.length ? l : c
        })
        .join('')
  return rewrite({ ...read, text: lower }, /rn/g, () => 'm')
}
