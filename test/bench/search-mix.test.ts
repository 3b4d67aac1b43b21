import { describe, expect, it } from 'vitest'
import { wrongAnswer } from '../../bench/answer-check.js'
import type { KnownRecords } from '../../bench/generate-search-data.js'
import {
  buildSearchMix,
  doubledLetter,
  droppedLetter,
  missingSpace,
  NOBODY,
  phoneForms,
  searchRequest,
  streetForms,
  swappedLetters,
  wrongLetter,
} from '../../bench/search-mix.js'

/** Known records shaped like the generator's, enough for every kind of query. */
function known(people = 60): KnownRecords {
  const first = ['Mary', 'Jennifer', 'Christopher', 'Emma', 'Aaron', 'Kyle', 'Ruth', 'Dorothy']
  const last = ['Smith', 'Ross', 'Thompson', 'Lee', 'Hall', 'Hernandez', 'Kim', 'Ford', 'Wells']
  const ten = (make: (i: number) => string, id: string) => Array.from({ length: 10 }, (_, i) => ({ value: make(i), id: `${id}-${i}` }))
  return {
    people: Array.from({ length: people }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `${first[i % first.length]} ${last[Math.floor(i / first.length) % last.length]}`,
      phone: `(256) 555-${String(1000 + i)}`,
      email: `p${i}@example.com`,
      street: `${100 + i} Oak St`,
    })),
    towns: ten((i) => `Town ${i}`, 'town').map((t) => ({ town: t.value, id: t.id })),
    traits: ten((i) => `feature ${i}`, 'trait').map((t) => ({ words: t.value, id: t.id })),
    tickets: [
      { number: 1234, id: 'ticket-1' },
      ...ten((i) => String(2000 + i), 'ticket').map((t) => ({ number: Number(t.value), id: t.id })),
    ],
    invoices: [
      { number: 'INV-2025-0421', id: 'invoice-1' },
      ...ten((i) => `INV-2024-00${10 + i}`, 'invoice').map((t) => ({ number: t.value, id: t.id })),
    ],
    leads: [{ name: 'Kyle Ford', id: 'lead-1' }, ...ten((i) => `Lead Person${i}`, 'lead').map((t) => ({ name: t.value, id: t.id }))],
  }
}

/** A search answer as GET /api/data writes it. */
function answer(items: Array<{ kind: string; id: string }>): string {
  return JSON.stringify({
    success: true,
    data: { items: items.map((i) => ({ ...i, label: 'x', detail: '', score: 0.9, matched: 'name' })), next_cursor: null },
    error: null,
    meta: { timestamp: '2026-11-22T00:00:00Z', request_id: 'r' },
  })
}

describe('typos of a name', () => {
  it('each changes the name by one slip, keeping its first letter', () => {
    for (const name of ['Mary Smith', 'Jennifer Ross', 'Christopher Thompson', 'Emma Lee', 'Aaron Hall']) {
      for (const typo of [droppedLetter, swappedLetters, wrongLetter, doubledLetter, missingSpace]) {
        const t = typo(name)
        expect(t, `${typo.name}(${name})`).not.toBe(name)
        expect(t[0]).toBe(name[0])
        expect(Math.abs(t.length - name.length)).toBeLessThanOrEqual(1)
      }
    }
    expect(droppedLetter('Mary Smith')).toBe('Mary Smth')
    expect(swappedLetters('Mary Smith')).toBe('Mary Smtih')
    expect(wrongLetter('Mary Smith')).toBe('Mary Smjth')
    expect(doubledLetter('Mary Smith')).toBe('Mary Smiith')
    expect(missingSpace('Mary Smith')).toBe('MarySmith')
  })

  it('swaps different letters, never a doubled pair that would read the same', () => {
    expect(swappedLetters('Emma Hall')).not.toBe('Emma Hall')
    expect(swappedLetters('Aaron Ross')).not.toBe('Aaron Ross')
  })
})

describe('phone and street forms', () => {
  it('types a number five ways, all with its digits', () => {
    expect(phoneForms('(256) 555-0142')).toEqual({
      'phone: last 4': '0142',
      'phone: last 7': '5550142',
      'phone: dashes': '256-555-0142',
      'phone: (256) 555-0142': '(256) 555-0142',
      'phone: +1': '+1 256 555 0142',
    })
    expect(() => phoneForms('555-0142')).toThrow(/10-digit/)
  })

  it('writes a street as given and with its type spelled out', () => {
    expect(streetForms('123 Oak St')).toEqual(['123 Oak St', '123 oak street'])
    expect(streetForms('77 Bailey Cove Blvd')).toEqual(['77 Bailey Cove Blvd', '77 bailey cove boulevard'])
  })
})

describe('the query mix', () => {
  it('has about a hundred distinct queries of every kind, each with its right answer', () => {
    const mix = buildSearchMix(known())
    expect(mix.length).toBeGreaterThanOrEqual(100)
    expect(new Set(mix.map((m) => m.q.toLowerCase())).size).toBe(mix.length)
    const kinds = new Set(mix.map((m) => m.kind))
    for (const k of [
      'name',
      'typo: dropped letter',
      'typo: swapped letters',
      'typo: wrong letter',
      'typo: doubled letter',
      'typo: missing space',
      'phone: last 4',
      'phone: last 7',
      'phone: dashes',
      'phone: (256) 555-0142',
      'phone: +1',
      'email',
      'street: 123 Oak St',
      'street: 123 oak street',
      'town',
      'attribute words',
      'ticket #',
      'invoice: full number',
      'invoice: year-number',
      'lead name',
      'nobody',
    ]) {
      expect(kinds, k).toContain(k)
    }
    expect(mix).toContainEqual({ kind: 'ticket #', q: '#1234', right: { id: 'ticket-1' } })
    expect(mix).toContainEqual({ kind: 'invoice: year-number', q: '2025-0421', right: { id: 'invoice-1' } })
    expect(mix).toContainEqual({ kind: 'lead name', q: 'Kyle Ford', right: { id: 'lead-1' } })
    expect(mix).toContainEqual({ kind: 'nobody', q: NOBODY[0], right: { noContact: true } })
    // A typo's right answer is the person whose name was mistyped.
    const typo = mix.find((m) => m.kind === 'typo: missing space')
    const person = known().people.find((p) => 'id' in typo!.right && p.id === typo!.right.id)
    expect(typo!.q).toBe(missingSpace(person!.name))
  })

  it('fails, naming the kind, when the data has nothing for a kind instead of leaving it out', () => {
    expect(() => buildSearchMix({ ...known(), tickets: [] })).toThrow(/ticket #/)
    expect(() => buildSearchMix({ ...known(), leads: [] })).toThrow(/lead name/)
    expect(() => buildSearchMix(known(10))).toThrow(/nothing to search for as: .*email/)
  })
})

describe('checking an answer', () => {
  const mix = buildSearchMix(known())
  const byId = mix.find((m) => m.kind === 'name')!
  const nobody = mix.find((m) => m.kind === 'nobody')!
  const id = (byId.right as { id: string }).id

  it('a search for a record is right only when that record is among the hits', () => {
    const r = searchRequest(byId)
    expect(r.path).toBe(`/api/data?type=search&q=${encodeURIComponent(byId.q)}`)
    expect(
      wrongAnswer(
        r,
        answer([
          { kind: 'contact', id: 'other' },
          { kind: 'contact', id },
        ]),
      ),
    ).toBeNull()
    expect(wrongAnswer(r, answer([{ kind: 'contact', id: 'other' }]))).toMatch(/^lacks "id":/)
    expect(wrongAnswer(r, answer([]))).toMatch(/^lacks "id":/)
  })

  it('a search for nobody is right only without any contact hit', () => {
    const r = searchRequest(nobody)
    expect(wrongAnswer(r, answer([]))).toBeNull()
    expect(
      wrongAnswer(
        r,
        answer([
          { kind: 'lead', id: 'l' },
          { kind: 'action', id: 'contact.create' },
        ]),
      ),
    ).toBeNull()
    expect(wrongAnswer(r, answer([{ kind: 'contact', id: 'c' }]))).toBe('has "kind":"contact"')
  })
})
