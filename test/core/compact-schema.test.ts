import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { compactSchema } from '../../core/kernel/compact-schema.js'
import { exampleData, exampleTimes } from '../../core/kernel/example-data.js'
import { jsonSchemaOf } from '../../core/kernel/json-schema.js'

const input = z.strictObject({
  ticket_id: z.uuid(),
  when: z.iso.date(),
  kind: z.enum(['call', 'email']),
  lines: z.array(z.strictObject({ service: z.string(), quantity: z.number().int().min(1).optional() })),
  amount_cents: z.number().int().optional(),
  note: z.string().nullable().optional(),
  next: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('none') }),
    z.object({ kind: z.literal('reach_out'), months: z.number().int() }),
  ]),
})

describe('an input schema in one line, and example data made from it', () => {
  it('names each field with its kind, required ones first and starred, nested ones inline', () => {
    expect(compactSchema(jsonSchemaOf(input))).toBe(
      '{ticket_id*: id, when*: YYYY-MM-DD, kind*: call|email, lines*: [{service*: text, quantity: int}], ' +
        'next*: {kind*: "none"}|{kind*: "reach_out", months*: int}, amount_cents: int, note: text}',
    )
  })

  it('names the fields past the limit without their kind, so a caller still sees they are there', () => {
    expect(compactSchema(jsonSchemaOf(input), 5)).toBe(
      '{ticket_id*: id, when*: YYYY-MM-DD, kind*: call|email, lines*: [{service*: text, quantity: int}], ' +
        'next*: {kind*: "none"}|{kind*: "reach_out", months*: int}, amount_cents, note}',
    )
  })

  it('fills only the required fields, each with a value of its kind', () => {
    expect(exampleData(jsonSchemaOf(input), { date: '2026-12-01', dateTime: '2026-12-01T09:00:00-06:00' })).toEqual({
      ticket_id: '<ticket_id>',
      when: '2026-12-01',
      kind: 'call',
      lines: [{ service: '<service>' }],
      next: { kind: 'none' },
    })
  })
})

describe('example times', () => {
  it("are the business's tomorrow at 9:00, with its zone's offset on that date", () => {
    // The evening of 30 November in Chicago is already 1 December in UTC: tomorrow is Chicago's.
    expect(exampleTimes(new Date('2026-12-01T03:00:00Z'), 'America/Chicago')).toEqual({
      date: '2026-12-01',
      dateTime: '2026-12-01T09:00:00-06:00',
    })
    expect(exampleTimes(new Date('2026-07-14T15:00:00Z'), 'America/Chicago').dateTime).toBe('2026-07-15T09:00:00-05:00')
    expect(exampleTimes(new Date('2026-12-01T03:00:00Z'), 'Europe/Berlin').dateTime).toBe('2026-12-02T09:00:00+01:00')
    expect(exampleTimes(new Date('2026-12-01T03:00:00Z'), 'Asia/Kolkata').dateTime).toBe('2026-12-02T09:00:00+05:30')
    // The day the clocks go back: 9:00 is after the change.
    expect(exampleTimes(new Date('2026-10-31T15:00:00Z'), 'America/Chicago').dateTime).toBe('2026-11-01T09:00:00-06:00')
  })
})
