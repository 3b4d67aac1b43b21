import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { buildRegistry } from '../../../api/product.js'
import { searchFunctionality } from '../../../core/domains/search/functionality.js'
import { stem } from '../../../core/text/words.js'
import { snippetOf } from '../../../core/domains/search/model.js'
import { createRegistry, defineAction, defineQuery } from '../../../core/kernel/registry.js'

const ALL = new Set(['action', 'data_type'])

describe("finding the product's own functionality", () => {
  const registry = buildRegistry()
  const ids = (q: string, kinds = ALL) => searchFunctionality(registry, q, 5, kinds).map((h) => h.id)

  it("maps everyday words to the product's names: an appointment is a ticket, a customer a contact", () => {
    expect(ids('cancel appointment')[0]).toBe('ticket.cancel')
    expect(ids('new customer')[0]).toBe('contact.create')
    expect(ids('book a job')[0]).toBe('ticket.create')
  })

  it('tolerates typos, including in the everyday words', () => {
    expect(ids('cancle apointment')[0]).toBe('ticket.cancel')
    expect(ids('reschedul mesage')[0]).toBe('message.reschedule')
  })

  it('finds data types, and only the kinds asked for', () => {
    expect(ids('scheduled messages', new Set(['data_type']))[0]).toBe('scheduled_messages')
    expect(ids('cancel appointment', new Set(['data_type']))).not.toContain('ticket.cancel')
  })

  it('needs every meaningful word to match for a full score, and returns nothing for unrelated text', () => {
    const [best] = searchFunctionality(registry, 'cancel appointment', 5, ALL)
    expect(best.score).toBe(1)
    const partial = searchFunctionality(registry, 'cancel zebra', 5, ALL)
    expect(partial.every((h) => h.score <= 0.5)).toBe(true)
    expect(ids('Margaret Thornton')).toEqual([])
    expect(ids('0142')).toEqual([])
  })

  it('says which words matched: the name, the keywords or the description', () => {
    const only = createRegistry([
      {
        a: defineAction({
          key: 'gadget.polish',
          description: 'Makes a gadget shine like new.',
          access: { agent: 'unrestricted', technician: 'none' },
          phrases: ['buff'],
          input: z.object({}),
          output: z.null(),
          run: async () => null,
        }),
        q: defineQuery({
          type: 'gadgets',
          access: { agent: 'unrestricted', technician: 'none' },
          description: 'Every gadget in the shed.',
          params: z.object({}),
          record: z.object({}),
          run: async () => ({ items: [], next_cursor: null }),
        }),
      },
    ])
    expect(searchFunctionality(only, 'polish gadget', 5, ALL)[0]).toMatchObject({ id: 'gadget.polish', matched: 'name', score: 1 })
    expect(searchFunctionality(only, 'buff', 5, ALL)[0]).toMatchObject({ id: 'gadget.polish', matched: 'keywords' })
    expect(searchFunctionality(only, 'shine', 5, ALL)[0]).toMatchObject({ id: 'gadget.polish', matched: 'description' })
    expect(searchFunctionality(only, 'shed', 5, ALL)[0]).toMatchObject({
      kind: 'data_type',
      id: 'gadgets',
      detail: 'Every gadget in the shed.',
    })
  })

  it('stems plurals and verb endings', () => {
    expect(['screens', 'screen', 'cancelled', 'canceled', 'scheduling', 'batches', 'companies'].map(stem)).toEqual([
      'screen',
      'screen',
      'cancel',
      'cancel',
      'schedul',
      'batch',
      'company',
    ])
  })
})

describe('note snippets', () => {
  const note =
    'Called on Monday about the spring visit. The customer says two of the screens on the back porch are torn and ' +
    'asks whether we can replace them while we are there, or recommend someone who can.'

  it('shows a short note whole, and a long one around the first word that matches, stemmed', () => {
    expect(snippetOf('Dog in the backyard.', 'dogs')).toBe('Dog in the backyard.')
    const s = snippetOf(note, 'screen')
    expect(s).toMatch(/^\.\.\..*two of the screens on the back porch.*\.\.\.$/)
    expect(s.length).toBeLessThanOrEqual(96)
    expect(snippetOf(note, 'zebra')).toMatch(/^Called on Monday about the spring visit\..*\.\.\.$/)
  })
})
