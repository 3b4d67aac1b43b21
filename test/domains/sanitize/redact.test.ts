import { describe, expect, it } from 'vitest'
import { noteJson, noteText, parseRedacting, redactSensitive } from '../../../core/sanitize.js'
import { z } from 'zod'
import { CORPUS, luhn } from './corpus.js'

describe('redactSensitive', () => {
  it('has a corpus of at least 100 texts, sensitive and benign, whose card numbers are what they claim', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(100)
    expect(CORPUS.filter((s) => s.cards || s.ssns).length).toBeGreaterThanOrEqual(40)
    expect(CORPUS.filter((s) => !s.cards && !s.ssns).length).toBeGreaterThanOrEqual(60)
    for (const s of CORPUS.filter((x) => x.cards && !x.ssns && x.expected === '[REDACTED]')) {
      expect(luhn(s.text.replace(/\D/g, '')), s.text).toBe(true)
    }
    for (const text of ['4111111111111112', '1234 5678 9012 3456', '5555555555555555']) expect(luhn(text.replace(/\D/g, ''))).toBe(false)
  })

  it.each(CORPUS.map((s) => [JSON.stringify(s.text), s] as const))('%s', (_, sample) => {
    const r = redactSensitive(sample.text)
    expect(r.text).toBe(sample.expected)
    const findings = [...(sample.cards ? [{ kind: 'card', count: sample.cards }] : []), ...(sample.ssns ? [{ kind: 'ssn', count: sample.ssns }] : [])]
    expect(r.findings).toEqual(findings)
    // Redacting again finds nothing more.
    expect(redactSensitive(r.text)).toEqual({ text: r.text, findings: [] })
  })

  it('noteText and noteJson redact inside a schema and report each field by its path', () => {
    const schema = z.strictObject({
      content: noteText(),
      value: noteJson(),
      plain: z.string(),
    })
    const { value, redactions } = parseRedacting(() => schema.parse({
      content: '  card 4111 1111 1111 1111  ',
      value: { owner: 'SSN 123-45-6789', list: ['ok', '5555555555554444 and 6011111111111117'] },
      plain: '4111111111111111',
    }), 'data')
    expect(value).toEqual({
      content: 'card [REDACTED]',
      value: { owner: 'SSN [REDACTED]', list: ['ok', '[REDACTED] and [REDACTED]'] },
      plain: '4111111111111111',
    })
    expect(redactions).toEqual([
      { field: 'data.content', kind: 'card', count: 1 },
      { field: 'data.value.owner', kind: 'ssn', count: 1 },
      { field: 'data.value.list.1', kind: 'card', count: 2 },
    ])
    expect(parseRedacting(() => schema.parse({ content: 'all fine', value: 1, plain: 'x' }), 'data').redactions).toEqual([])
  })

  it('noteText refuses empty and over-long text', () => {
    expect(noteText().safeParse('   ').success).toBe(false)
    expect(noteText(10).safeParse('x'.repeat(11)).success).toBe(false)
  })
})
