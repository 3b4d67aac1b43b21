import type { LoadRequest } from './load-process.js'
import { nameTag } from './name-tag.js'

/** One business the load acts for, with real values of its own to read and book with. */
export interface MixBusiness {
  token: string
  /** Customers to read by id and to book for. */
  contactIds: string[]
  /** Customers' names to search for. */
  names: string[]
  /** A service to book. */
  serviceId: string
  /** Days (YYYY-MM-DD) whose tickets are read. */
  readDays: string[]
  /** Days (YYYY-MM-DD) visits are booked on. */
  bookingDays: string[]
}

/** The kinds of request in the mix and how many of each in ten: eight reads, two writes, as an office manager's day goes. */
export const MIX_KINDS = [
  ['contacts list', 2],
  ['customer by id', 3],
  ['tickets of a day', 2],
  ['search', 1],
  ['contact.create', 1],
  ['ticket.create', 1],
] as const

/** A kind of request in the mix. */
export type MixKind = (typeof MIX_KINDS)[number][0]

/**
 * The requests of `rounds` rounds of the mix: each round sends every kind its number of times for every business, the
 * businesses taking turns request by request, so concurrent clients act for different businesses. Each round reads and
 * books with the next of each business's values (wrapping around).
 */
export function buildMix(businesses: MixBusiness[], rounds: number): LoadRequest[] {
  if (!businesses.length) throw new Error('the mix needs at least one business')
  const out: LoadRequest[] = []
  let turn = 0
  for (let round = 0; round < rounds; round++) {
    for (const [kind, times] of MIX_KINDS) {
      for (let k = 0; k < times; k++) {
        businesses.forEach((b, i) => {
          const n = turn
          out.push({ ...requestOf(kind, b, n, `${i}r${round}k${k}`), label: kind, headers: { authorization: `Bearer ${b.token}` } })
        })
        turn++
      }
    }
  }
  return out
}

/** The n-th request of one kind for one business; `unique` makes created names distinct, and the load makes each email unique per send. */
function requestOf(kind: MixKind, b: MixBusiness, n: number, unique: string): Omit<LoadRequest, 'label' | 'headers'> {
  const pick = <T>(xs: T[]): T => {
    if (!xs.length) throw new Error(`the mix needs values for ${kind}`)
    return xs[n % xs.length]
  }
  switch (kind) {
    case 'contacts list':
      return { path: '/api/data?type=contacts&limit=25' }
    case 'customer by id': {
      const id = pick(b.contactIds)
      return { path: `/api/data?type=contacts&id=${id}`, expect: id }
    }
    case 'tickets of a day':
      return { path: `/api/data?type=tickets&date=${pick(b.readDays)}` }
    case 'search': {
      const name = pick(b.names)
      return { path: `/api/data?type=search&q=${encodeURIComponent(name)}`, expect: name }
    }
    case 'contact.create':
      return {
        method: 'POST',
        path: '/api/actions',
        body: {
          domain: 'contact',
          action: 'create',
          data: { display_name: `Load Customer ${nameTag(unique)}`, email: `load.${unique}.{{n}}@bench.example` },
        },
      }
    case 'ticket.create':
      return {
        method: 'POST',
        path: '/api/actions',
        body: {
          domain: 'ticket',
          action: 'create',
          data: {
            contact_id: pick(b.contactIds),
            scheduled_start: `${pick(b.bookingDays)}T15:00:00Z`,
            line_items: [{ service_id: b.serviceId }],
          },
        },
      }
  }
}
