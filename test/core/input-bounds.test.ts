import { describe, expect, it } from 'vitest'
import { AppError } from '../../core/kernel/errors.js'
import {
  boundedDepth,
  boundedIncludes,
  boundedName,
  boundedReasoning,
  MAX_JSON_DEPTH,
  MAX_NAME_LENGTH,
  MAX_REASONING_LENGTH,
} from '../../core/kernel/input-bounds.js'
import { nearestNames } from '../../core/text/suggest.js'

/** The field and message of the validation error a call throws. */
function refusal(fn: () => unknown): { field: string; message: string } {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('VALIDATION_ERROR')
    return ((err as AppError).details!.issues as Array<{ field: string; message: string }>)[0]
  }
  throw new Error('not refused')
}

describe('input bounds: free text is bounded before any work on it', () => {
  it('a name is a text of 1 to 64 characters, and a longer one is refused by its length', () => {
    expect(boundedName('action', 'create')).toBe('create')
    expect(boundedName('action', 'x'.repeat(MAX_NAME_LENGTH))).toHaveLength(MAX_NAME_LENGTH)
    expect(refusal(() => boundedName('domain', 'x'.repeat(250_000)))).toEqual({
      field: 'domain',
      message: 'is 250000 characters long; names are at most 64 (see GET /api/capabilities)',
    })
    expect(refusal(() => boundedName('type', 42)).field).toBe('type')
    expect(refusal(() => boundedName('type', '')).field).toBe('type')
  })

  it('an input may nest objects and lists 32 levels deep; deeper is refused at the path where it passed the limit, however deep it goes', () => {
    const nest = (levels: number, inner: unknown = 1): unknown => {
      let v = inner
      for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { k: v }
      return v
    }
    expect(() => boundedDepth(nest(MAX_JSON_DEPTH), 'data')).not.toThrow()
    const refused = refusal(() => boundedDepth({ notes: 'fine', value: nest(MAX_JSON_DEPTH) }, 'data'))
    expect(refused.message).toBe(`is nested deeper than ${MAX_JSON_DEPTH} levels of objects and lists; send flatter data`)
    expect(refused.field).toMatch(/^data\.value\.(0\.k\.)+/)
    // A million levels are walked without recursion, so the check itself cannot overflow the stack.
    expect(refusal(() => boundedDepth(nest(1_000_000))).field).toMatch(/^(0\.k\.|k\.0\.)+/)
    // A path of long keys is shortened in the middle.
    let longKeys: unknown = 1
    for (let i = 0; i < 40; i++) longKeys = { ['x'.repeat(500)]: longKeys }
    expect(refusal(() => boundedDepth(longKeys)).field.length).toBeLessThan(200)
  })

  it('include names at most 20 expansions, each a bounded name', () => {
    expect(boundedIncludes(['contact', 'rendered'])).toEqual(['contact', 'rendered'])
    expect(refusal(() => boundedIncludes(Array.from({ length: 21 }, (_, i) => `x${i}`))).field).toBe('include')
    expect(refusal(() => boundedIncludes(['y'.repeat(65)])).field).toBe('include')
  })

  it('reasoning is trimmed text of at most 4000 characters', () => {
    expect(boundedReasoning('  duplicate  ')).toBe('duplicate')
    expect(boundedReasoning('   ')).toBeNull()
    expect(boundedReasoning(undefined)).toBeNull()
    expect(refusal(() => boundedReasoning('r'.repeat(MAX_REASONING_LENGTH + 1))).field).toBe('reasoning')
    expect(refusal(() => boundedReasoning({ why: 'object' })).field).toBe('reasoning')
  })

  it('nearest names compare only the first 64 characters of what was asked for', () => {
    const short = 'a'.repeat(64)
    // Beyond 64 characters nothing is read: the exact match loses to the name equal to the first 64 characters.
    expect(nearestNames(`${short}zzzz`, [`${short}zzzz`, short])[0]).toBe(short)
    expect(nearestNames('contact.creat', ['ticket.create', 'contact.create'])[0]).toBe('contact.create')
  })
})
