import { describe, expect, it } from 'vitest'
import { summarizeNote } from '../../core/domains/invoices/customer-overview.js'

describe("a last visit's note, summarized", () => {
  it('keeps a short note whole, with its spaces made single', () => {
    expect(summarizeNote('Gate  code 4821.\nDog friendly.')).toBe('Gate code 4821. Dog friendly.')
  })

  it('cuts a long note after its last full sentence that fits', () => {
    const note =
      'Customer brought extension ladder out for us. Back gate sticks, lift it. Upstairs screens need new clips next time, ask first.'
    expect(summarizeNote(note, 90)).toBe('Customer brought extension ladder out for us. Back gate sticks, lift it. …')
  })

  it('cuts at a word end, never mid-word, when no sentence ends in reach', () => {
    const note = 'Customer brought extension ladder and the equipment for the high windows on the north side'
    const out = summarizeNote(note, 40)
    expect(out).toBe('Customer brought extension ladder and…')
    expect(out.length).toBeLessThanOrEqual(40)
  })

  it('cuts a single word too long to fit where it must', () => {
    expect(summarizeNote('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`)
  })
})
