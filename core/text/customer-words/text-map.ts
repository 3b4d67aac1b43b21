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
 */
export function rewrite(t: ReadableText, pattern: RegExp, replace: (match: string) => string): ReadableText {
  const out: ReadableText = { text: '', from: [], to: [] }
  const chars: string[] = []
  let copied = 0
  const copy = (i: number) => {
    chars.push(t.text[i])
    out.from.push(t.from[i])
    out.to.push(t.to[i])
  }
  for (const m of t.text.matchAll(pattern)) {
    if (!m[0]) continue
    for (; copied < m.index; copied++) copy(copied)
    const replacement = replace(m[0])
    const start = t.from[m.index]
    const end = t.to[m.index + m[0].length - 1]
    for (let k = 0; k < replacement.length; k++) {
      chars.push(replacement[k])
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
  for (; copied < t.text.length; copied++) copy(copied)
  out.text = chars.join('')
  return out
}

/** The written text a span of a view came from. */
export function writtenSpan(view: ReadableText, start: number, end: number): { start: number; end: number } {
  return { start: view.from[start], end: view.to[end - 1] }
}
