import { localDate, localTime } from '../../time.js'
import { type PartOfDay, partOfDayAt } from './part-of-day.js'

/** A free time to choose from: when it starts and how good it is (lower is better; all alike when ranked by time). */
export interface Choice {
  start: Date
  rank: number
}

/** A choice with where it falls: its day and part of the day in the business time zone, and its place in the given order. */
interface Placed<C> {
  choice: C
  at: number
  day: string
  part: PartOfDay
  order: number
}

/**
 * Up to `count` free times spread out to offer a customer, in time order. Each on a different day while days last: the
 * earliest days (ranked, the days with the best times), each its best time, in the part of the day offered least so far
 * when it can. Once every day has one, each day's other parts of the day in turn; once every day and part has one, the
 * times farthest from those already picked on their day. `choices` come best first; of two at the same start, the first.
 */
export function spreadChoices<C extends Choice>(choices: readonly C[], count: number, timeZone: string): C[] {
  const starts = new Set<number>()
  const pool: Placed<C>[] = []
  for (const [order, choice] of choices.entries()) {
    const at = choice.start.getTime()
    if (starts.has(at)) continue
    starts.add(at)
    pool.push({ choice, at, day: localDate(choice.start, timeZone), part: partOfDayAt(localTime(choice.start, timeZone)), order })
  }
  const days = [...new Set(pool.map((c) => c.day))].sort()
  const dayIndex = new Map(days.map((day, i) => [day, i]))
  const picked: Placed<C>[] = []
  const inPart = new Map<string, number>()
  const onDay = new Map<string, number>()
  const ofPart = new Map<PartOfDay, number>()
  const nearest = (c: Placed<C>) => Math.min(...picked.filter((p) => p.day === c.day).map((p) => Math.abs(p.at - c.at)))
  // Lower is better, field by field: a day's part not yet offered, a day with fewer times, the better rank, the earlier
  // day, a part of the day offered less, away from the day's other times (only once its part has one), the given order.
  const keyOf = (c: Placed<C>) => {
    const taken = inPart.get(`${c.day} ${c.part}`) ?? 0
    return [
      taken,
      onDay.get(c.day) ?? 0,
      c.choice.rank,
      dayIndex.get(c.day) ?? 0,
      ofPart.get(c.part) ?? 0,
      taken ? -nearest(c) : 0,
      c.order,
    ]
  }
  while (picked.length < count && pool.length) {
    let best = 0
    let bestKey = keyOf(pool[0])
    for (let i = 1; i < pool.length; i++) {
      const key = keyOf(pool[i])
      if (lower(key, bestKey)) [best, bestKey] = [i, key]
    }
    const [c] = pool.splice(best, 1)
    picked.push(c)
    const bucket = `${c.day} ${c.part}`
    inPart.set(bucket, (inPart.get(bucket) ?? 0) + 1)
    onDay.set(c.day, (onDay.get(c.day) ?? 0) + 1)
    ofPart.set(c.part, (ofPart.get(c.part) ?? 0) + 1)
  }
  return picked.sort((a, b) => a.at - b.at).map((p) => p.choice)
}

/** Whether one key comes before another, field by field. */
function lower(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i]
  return false
}
