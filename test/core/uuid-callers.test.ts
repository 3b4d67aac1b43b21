import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ticketIdOf } from '../../core/domains/google/calendar-in/visit-changes.js'

describe('ids read back from outside go through the one UUID check', () => {
  it("a calendar event's visit id is taken in either case and kept in lower case; anything else is not ours", () => {
    const id = randomUUID()
    const of = (v?: string) =>
      ticketIdOf({ id: 'ev1', ...(v === undefined ? {} : { extendedProperties: { private: { crmTicketId: v } } }) })
    expect(of(id)).toBe(id)
    expect(of(id.toUpperCase())).toBe(id)
    for (const v of [undefined, '', `${id}x`, id.slice(1), id.replace(/-/g, ''), "1' or 1=1"]) expect(of(v)).toBeNull()
  })
})
