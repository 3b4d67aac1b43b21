import { randomUUID } from 'node:crypto'
import type { Principal, Services } from '../kernel/context.js'
import { performAction, type ActionCall } from '../kernel/operations.js'
import type { Weekday } from '../vocabulary/time.js'
import type { DemoTown } from './places.js'

/** Minutes a technician takes from one job to the next. */
export const TRAVEL_MINUTES = 15

/** How a demo step calls a registered action: as the owner now, unless it says who acts and when. */
export type DemoAct = (
  domain: string,
  action: string,
  data: unknown,
  opts?: { reasoning?: string; as?: Principal; at?: Date },
) => Promise<Record<string, any>>

/** Calls registered actions for the demo, through performAction as any caller; `at` runs the action on a clock set to that moment. */
export function demoActor(services: Services, owner: Principal): DemoAct {
  return async (domain, action, data, opts = {}) => {
    const clock = opts.at ? { ...services, now: () => opts.at as Date } : services
    const outcome = await performAction(clock, opts.as ?? owner, { domain, action, data, reasoning: opts.reasoning } as ActionCall, {
      requestId: randomUUID(),
    })
    return outcome.result as Record<string, any>
  }
}

/** The picks the demo makes, from a seeded generator, so the same seed always gives the same business. */
export interface DemoRandom {
  next(): number
  int(lo: number, hi: number): number
  pick<T>(list: readonly T[]): T
  chance(p: number): boolean
}

/** A small seeded generator (mulberry32): numbers from 0 to 1, the same for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The demo's random choices from a seed. */
export function demoRandom(seed: number): DemoRandom {
  const next = seededRandom(seed)
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  }
}

/** A demo customer as the later steps need them. */
export interface DemoCustomer {
  id: string
  addressId: string
  town: DemoTown
  screens: number | null
  recurring: boolean
  dog: string | null
}

/** The demo catalog's service ids. */
export interface DemoCatalog {
  fullClean: string
  exterior: string
  screens: string
  gutters: string
}

/** What every part of the demo works with. */
export interface DemoBusiness {
  tenantId: string
  act: DemoAct
  rand: DemoRandom
  catalog: DemoCatalog
  technicians: string[]
  customers: DemoCustomer[]
  businessHours: Record<Weekday, Array<[string, string]>>
  /** Today in the business's time zone. */
  today: string
}

/** The work of one visit, priced the way a residential window cleaner prices: the kind of job drawn, screens when the customer has them. */
export function visitLines(b: DemoBusiness, customer: DemoCustomer): Array<Record<string, unknown>> {
  const { rand, catalog } = b
  const kind = rand.next()
  const lines: Array<Record<string, unknown>> = []
  if (kind < 0.45) lines.push({ service_id: catalog.fullClean, unit_price_cents: rand.int(28, 60) * 1000 + rand.pick([0, 500]) })
  else if (kind < 0.75) lines.push({ service_id: catalog.exterior, unit_price_cents: rand.int(15, 32) * 1000 })
  else if (kind < 0.9) lines.push({ service_id: catalog.gutters })
  if ((kind >= 0.9 || rand.chance(0.4)) && customer.screens) lines.push({ service_id: catalog.screens, quantity: customer.screens })
  if (!lines.length) lines.push({ service_id: catalog.gutters })
  return lines
}

/** Minutes since midnight of "HH:MM". */
export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number)
  return h * 60 + m
}

/** "HH:MM" of minutes since midnight. */
export function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}
