import type { PartOfDay } from './part-of-day.js'

/** A free time to choose from, placed on its day and part of the day in the business time zone. */
export interface Choice {
  start: Date
  /** The business's calendar date, YYYY-MM-DD. */
  day: string
  part: PartOfDay
}

/**
 * Up to `count` of the choices spread out to offer a customer, in time order. `choices` come best first (the earliest, or
 * the least driving), and the days are taken in the order of their best choice. First each day gets its best choice, so
 * `count` days give one each; when the days run out, each day in turn gets its best choice in a part of the day it has
 * none in yet; only when every day and part has one does a day get a second in one part, the one farthest from its
 * others. Two choices at one start count once (the better).
 */
export function spreadChoices<C extends Choice>(choices: readonly C[], count: number): C[] {
  const left: C[] = []
  const starts = new Set<number>()
  for (const c of choices) {
    if (starts.has(c.start.getTime())) continue
    starts.add(c.start.getTime())
    left.push(c)
  }
  const days = [...new Set(left.map((c) => c.day))]
  const picked: C[] = []
  const taken = new Set<string>()
  const bucket = (c: C) => `${c.day} ${c.part}`
  const take = (c: C) => {
    picked.push(c)
    taken.add(bucket(c))
    left.splice(left.indexOf(c), 1)
  }
  // Rounds over the days: a part of the day not offered yet on that day while any is left.
  for (let added = true; added && picked.length < count; ) {
    added = false
    for (const day of days) {
      if (picked.length === count) break
      const next = left.find((c) => c.day === day && !taken.has(bucket(c)))
      if (!next) continue
      take(next)
      added = true
    }
  }
  // Then doubling up, a day at a time: the time farthest from that day's others.
  while (picked.length < count && left.length) {
    for (const day of days) {
      if (picked.length === count) break
      const farthest = farthestFrom(
        left.filter((c) => c.day === day),
        picked.filter((p) => p.day === day),
      )
      if (farthest) take(farthest)
    }
  }
  return picked.sort((a, b) => a.start.getTime() - b.start.getTime())
}

/** Of some candidates (best first), the one whose nearest already-picked time is farthest away; the better on a tie. */
function farthestFrom<C extends Choice>(candidates: readonly C[], picked: readonly C[]): C | undefined {
  let best: C | undefined
  let bestGap = -1
  for (const c of candidates) {
    const gap = Math.min(...picked.map((p) => Math.abs(p.start.getTime() - c.start.getTime())))
    if (gap > bestGap) [best, bestGap] = [c, gap]
  }
  return best
}
