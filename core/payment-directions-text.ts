/*
 * A text as the payment-directions rules read it: every disguise a fraudster uses to slip words past a filter folded
 * away, with each character remembering where it came from so a finding can quote the text as written.
 *
 * In order: invisible characters (zero-width spaces and joiners, soft hyphens, direction marks) are dropped; each
 * character is read through NFKC (full-width, circled and mathematical letters become plain ones), its accents are
 * removed, Cyrillic and Greek letters that look Latin become Latin, digits of other scripts become 0-9, dashes become
 * "-", curly quotes plain ones and line separators "\n". The product's own template variables ({{payment_link}}) become
 * a space: what they hold is written by the product, not by whoever wrote the text. Last, letters and digits spelled
 * out one at a time ("Z e l l e", "V.e.n.m.o", "I-B-A-N") are joined; two spaces still separate two such words.
 */

/** A text folded for matching, with the span of the written text each of its characters came from. */
export interface ReadableText {
  text: string
  /** Offset in the written text where the source of each character starts. */
  from: number[]
  /** Offset in the written text where the source of each character ends. */
  to: number[]
}

const INVISIBLE = /^[\p{Cf}\u115f\u1160\u3164\uffa0]$/u
const MARKS = /\p{M}/gu
const OTHER_DIGIT = /^\p{Nd}$/u

/** Look-alike letters, one for one: [from, to]. */
const LOOKALIKES_FROM = 'аеорсухіјѕһԁԛԝӏүкмнтвАВЕЅІЈКМНОРСТХУԚԜαβεικνορτυχγΑΒΕΖΗΙΚΜΝΟΡΤΥΧɑıȷօ'
const LOOKALIKES_TO = 'aeopcyxijshdqwlykmhtbABESIJKMHOPCTXYQWabeikvoptuxyABEZHIKMNOPTYXaijo'
const PUNCTUATION_FROM =
  '\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\u2018\u2019\u201a\u201b\u02bc\u2032\u0060\u00b4\u201c\u201d\u201e\u2033\t\r\u2028\u2029\u0085'
const PUNCTUATION_TO = "----------''''''''\"\"\"\" \n\n\n\n"

const FOLD = new Map<string, string>([
  ...[...LOOKALIKES_FROM].map((c, i): [string, string] => [c, LOOKALIKES_TO[i]]),
  ...[...PUNCTUATION_FROM].map((c, i): [string, string] => [c, PUNCTUATION_TO[i]]),
])

const PLACEHOLDER = /\{\{\s*[A-Za-z_][\w.]*\s*\}\}/g
// A letter or digit standing alone, then more alone, each joined by one separator (or one separator and a space).
const SPELLED_OUT = /(?<![A-Za-z0-9])[A-Za-z0-9](?:(?:[.\-_*·•|/+~] ?| )[A-Za-z0-9](?![A-Za-z0-9])){2,}/g
const NOT_ALNUM = /[^A-Za-z0-9]/

/** The text folded for the payment-directions rules, each character mapped back to the written text. */
export function readableText(written: string): ReadableText {
  return joinSpelledOut(blankPlaceholders(foldCharacters(written)))
}

function foldCharacters(written: string): ReadableText {
  const out: ReadableText = { text: '', from: [], to: [] }
  const chars: string[] = []
  let at = 0
  for (const ch of written) {
    const end = at + ch.length
    if (!INVISIBLE.test(ch)) {
      const folded = ch.normalize('NFKC').normalize('NFD').replace(MARKS, '')
      // One entry per UTF-16 unit, so text and its offsets stay aligned.
      for (let k = 0; k < folded.length; k++) {
        const c = folded[k]
        chars.push(FOLD.get(c) ?? plainDigit(c))
        out.from.push(at)
        out.to.push(end)
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
  const code = c.codePointAt(0)!
  let zero = code
  while (code - zero < 9 && OTHER_DIGIT.test(String.fromCodePoint(zero - 1))) zero--
  return String(code - zero)
}

function blankPlaceholders(t: ReadableText): ReadableText {
  return rewrite(t, PLACEHOLDER, () => [])
}

function joinSpelledOut(t: ReadableText): ReadableText {
  return rewrite(t, SPELLED_OUT, (match) => [...match].flatMap((c, i) => (NOT_ALNUM.test(c) ? [] : [i])))
}

/**
 * Rewrites every match of pattern: keep says which of the match's characters stay (by index in the match); a match
 * that keeps nothing becomes one space spanning it.
 */
function rewrite(t: ReadableText, pattern: RegExp, keep: (match: string) => number[]): ReadableText {
  const out: ReadableText = { text: '', from: [], to: [] }
  const chars: string[] = []
  let copied = 0
  const copy = (i: number) => {
    chars.push(t.text[i])
    out.from.push(t.from[i])
    out.to.push(t.to[i])
  }
  for (const m of t.text.matchAll(pattern)) {
    for (; copied < m.index; copied++) copy(copied)
    const kept = keep(m[0])
    if (kept.length) {
      for (const i of kept) copy(m.index + i)
    } else {
      chars.push(' ')
      out.from.push(t.from[m.index])
      out.to.push(t.to[m.index + m[0].length - 1])
    }
    copied = m.index + m[0].length
  }
  for (; copied < t.text.length; copied++) copy(copied)
  out.text = chars.join('')
  return out
}
