/** Text on one line, cut to at most max characters with an ellipsis: a reason or a note quoted in a summary line. */
export function shortText(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}
