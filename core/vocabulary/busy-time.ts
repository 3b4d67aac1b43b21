import type { Queryable } from '../db/types.js'

/** A stretch of a person's time taken outside their visits, as a capability that knows of it reports it. */
export interface BusyBlock {
  user_id: string
  starts_at: Date
  ends_at: Date
  /** Where the time is taken, in the words a refused booking uses ("their Google calendar"). */
  where: string
  /** The code a refused booking carries in its details (google_busy). */
  reason: string
}

/** Reads the busy blocks of some people that overlap a window, in the business's transaction. */
export type BusyTimeSource = (tx: Queryable, userIds: readonly string[], from: Date, to: Date) => Promise<BusyBlock[]>

const sources: BusyTimeSource[] = []

/**
 * Adds a source of busy time. A capability gives its own through its domain's manifest (Google calendars do), so
 * availability and booking read every source without importing any of them.
 */
export function registerBusyTime(source: BusyTimeSource): void {
  if (!sources.includes(source)) sources.push(source)
}

/** Every registered source's busy blocks of the people in the window, earliest first. */
export async function busyTimeOf(tx: Queryable, userIds: readonly string[], from: Date, to: Date): Promise<BusyBlock[]> {
  if (!userIds.length) return []
  const blocks: BusyBlock[] = []
  // One after another: the sources share the caller's transaction, which runs one statement at a time.
  for (const source of sources) blocks.push(...(await source(tx, userIds, from, to)))
  return blocks.sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime())
}

/** Why some people's busy time outside visits is not known now, a few words per person by user id ("their Google calendar ..."). */
export type BusyDoubtSource = (tx: Queryable, userIds: readonly string[]) => Promise<Map<string, string>>

const doubtSources: BusyDoubtSource[] = []

/** Adds a source of doubt about busy time: a capability whose busy time cannot be read now says so (Google calendars do). */
export function registerBusyDoubt(source: BusyDoubtSource): void {
  if (!doubtSources.includes(source)) doubtSources.push(source)
}

/** Why each person's busy time is not fully known, from every registered source; people whose busy time is known are left out. */
export async function busyDoubtsOf(tx: Queryable, userIds: readonly string[]): Promise<Map<string, string>> {
  const doubts = new Map<string, string>()
  if (!userIds.length) return doubts
  for (const source of doubtSources) {
    for (const [userId, why] of await source(tx, userIds)) doubts.set(userId, doubts.has(userId) ? `${doubts.get(userId)}; ${why}` : why)
  }
  return doubts
}
