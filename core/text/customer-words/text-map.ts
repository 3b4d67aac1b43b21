/** A text folded for reading, with the span of the written text each of its characters came from. */
export interface ReadableText {
  text: string
  /** Offset in the written text where the source of each character starts. */
  from: number[]
  /** Offset in the written text where the source of each character ends. */
  to: number[]
}

/**
 * Rewrites every match of pattern with the replacement's text; each character of the replacement stands for the whole
 * match in the written text, except where the replacement keeps the match's own characters one for one (same length).
 * A text no match changes comes back as it was (the same object): most texts have nothing to fold, and every view of a
 * review goes through a dozen rewrites.
 */
export function rewrite(t: ReadableText, pattern: RegExp, replace: (match: string) => string): ReadableText {
  let out: { pieces: string[]; from: number[]; to: number[] } | null = null
  let copied = 0
  for (const m of t.text.matchAll(pattern)) {
    if (!m[0]) continue
    const replacement = replace(m[0])
    // The same characters in the same places: copied with the text around them.
    if (replacement === m[0]) continue
    out ??= { pieces: [], from: [], to: [] }
    copyRange(t, copied, m.index, out)
    const start = t.from[m.index]
    const end = t.to[m.index + m[0].length - 1]
    out.pieces.push(replacement)
    for (let k = 0; k < replacement.length; k++) {
      if (replacement.length === m[0].length) {
        out.from.push(t.from[m.index + k])
        out.to.push(t.to[m.index + k])
      } else {
        out.from.push(start)
        out.to.push(end)
      }
    }
    copied = m.index + m[0].length
  }
  if (!out) return t
  copyRange(t, copied, t.text.length, out)
  return { text: out.pieces.join(''), from: out.from, to: out.to }
}

/** Appends the characters of t from start to end, with their spans, to a rewrite's output. */
function copyRange(t: ReadableText, start: number, end: number, out: { pieces: string[]; from: number[]; to: number[] }): void {
  if (start >= end) return
  out.pieces.push(t.text.slice(start, end))
  for (let i = start; i < end; i++) {
    out.from.push(t.from[i])
    out.to.push(t.to[i])
  }
}

/** The written text a span of a view came from. */
export function writtenSpan(view: ReadableText, start: number, end: number): { start: number; end: number } {
  return { start: view.from[start], end: view.to[end - 1] }
}
