import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { bindable, bindCall, relativeFields } from '../../core/kernel/bindable.js'
import { dayInput } from '../../core/text/day-words.js'
import type { Queryable } from '../../core/db/types.js'

const db = {} as Queryable
const ctx = { db, today: '2026-11-26', timezone: 'America/Chicago' }
const person = bindable(z.string(), { what: 'a team member', bind: async (_ctx, v) => (v === 'Marcus' ? 'id-of-marcus' : v) })

describe('binding a call to what it means', () => {
  const schema = z.strictObject({
    date: dayInput().describe('The day'),
    until: dayInput().optional(),
    who: person.optional(),
    crew: z.array(person).default([]),
    visit: z.object({ on: dayInput(), note: z.string() }).optional(),
    note: z.string(),
  })

  it('fixes day words and names wherever the schema takes them, in lists and nested objects, and says what it fixed', async () => {
    const input = schema.parse({
      date: 'today',
      who: 'Marcus',
      crew: ['Marcus', 'id-2'],
      visit: { on: 'friday', note: 'today' },
      note: 'today',
    })
    const { value, bound } = await bindCall(schema, input, ctx)
    expect(value).toEqual({
      date: '2026-11-26',
      who: 'id-of-marcus',
      crew: ['id-of-marcus', 'id-2'],
      visit: { on: '2026-11-27', note: 'today' },
      note: 'today',
    })
    expect(bound).toEqual([
      { field: 'data.date', from: 'today', to: '2026-11-26' },
      { field: 'data.who', from: 'Marcus', to: 'id-of-marcus' },
      { field: 'data.crew.0', from: 'Marcus', to: 'id-of-marcus' },
      { field: 'data.visit.on', from: 'friday', to: '2026-11-27' },
    ])
  })

  it('leaves a call that already says what it means as it is', async () => {
    const input = schema.parse({ date: '2026-12-01', note: 'x' })
    expect(await bindCall(schema, input, ctx)).toEqual({ value: { date: '2026-12-01', crew: [], note: 'x' }, bound: [] })
  })

  it('lists the fields a schema reads relative to the day or the team, through wrappers and lists', () => {
    expect(relativeFields(schema)).toEqual([
      { field: 'date', what: 'a day' },
      { field: 'until', what: 'a day' },
      { field: 'who', what: 'a team member' },
      { field: 'crew.0', what: 'a team member' },
      { field: 'visit.on', what: 'a day' },
    ])
  })
})
