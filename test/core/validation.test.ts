import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../core/kernel/errors.js'
import { parseInput } from '../../core/kernel/validation.js'

/** The field issues parseInput refuses the input with. */
function issuesOf(schema: z.ZodType, input: unknown): Array<{ field: string; message: string }> {
  try {
    parseInput(schema, input, 'data')
  } catch (err) {
    if (err instanceof AppError) return err.details?.issues as Array<{ field: string; message: string }>
    throw err
  }
  throw new Error('the input was accepted')
}

describe('field issues', () => {
  const schema = z.object({
    count: z.number().int({ error: 'expected a whole number' }),
    inner: z.object({ hours: z.number() }).optional(),
  })

  it('says a field left out is required, and a field given a value of the wrong kind what it expects', () => {
    expect(issuesOf(schema, {})).toEqual([{ field: 'data.count', message: 'is required (expected number)' }])
    expect(issuesOf(schema, { count: '7' })).toEqual([{ field: 'data.count', message: 'Invalid input: expected number, received string' }])
    expect(issuesOf(schema, { count: 1.5 })).toEqual([{ field: 'data.count', message: 'expected a whole number' }])
    expect(issuesOf(schema, { count: 1, inner: { hours: 'two' } })).toEqual([
      { field: 'data.inner.hours', message: 'Invalid input: expected number, received string' },
    ])
    expect(issuesOf(schema, { count: 1, inner: {} })).toEqual([{ field: 'data.inner.hours', message: 'is required (expected number)' }])
  })
})
