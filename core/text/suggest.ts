/** Only this much of what was asked for is compared: the distance costs its length times each name's. */
const COMPARED_LENGTH = 64

/** Up to three known names closest to what was asked for, for "did you mean" in errors. */
export function nearestNames(wanted: string, known: Iterable<string>, max = 3): string[] {
  const w = String(wanted).slice(0, COMPARED_LENGTH).toLowerCase()
  return [...known]
    .map((name) => ({
      name,
      d: distance(w, name.toLowerCase()) - (name.toLowerCase().includes(w) || w.includes(name.toLowerCase()) ? 3 : 0),
    }))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((x) => x.name)
}

/** Known names close enough to what was asked for to be a slip: a few letters off, or one inside the other. */
export function closeNames(wanted: string, known: Iterable<string>, max = 2): string[] {
  const w = String(wanted).slice(0, COMPARED_LENGTH).toLowerCase()
  const slip = Math.max(1, Math.floor(w.length / 3))
  return nearestNames(wanted, known, max).filter((name) => {
    const n = name.toLowerCase()
    return distance(w, n) <= slip || (w.length >= 3 && (n.includes(w) || w.includes(n)))
  })
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = cur
    }
  }
  return row[b.length]
}
