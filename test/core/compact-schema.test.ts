import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { compactSchema } from '../../core/compact-schema.js'
import { exampleData } from '../../core/example-data.js'
import { jsonSchemaOf } from '../../core/json-schema.js'

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
    expect(exampleData(jsonSchemaOf(input))).toEqual({
      ticket_id: '<ticket_id>',
      when: '2026-12-01',
      kind: 'call',
      lines: [{ service: '<service>' }],
      next: { kind: 'none' },
    })
  })
})
