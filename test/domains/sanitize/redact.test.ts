import { describe, expect, it } from 'vitest'
import { noteJson, noteText, parseCallRedacting, parseRedacting, redactSensitive } from '../../../core/kernel/sanitize.js'
import { z } from 'zod'
import { CORPUS, luhn } from './corpus.js'
import { LAYOUT_CORPUS } from './layouts.js'
import { NORMALIZE_FROM, NORMALIZE_TO, normalizeForRedaction } from '../../../core/kernel/redact.js'

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
    const findings = [
      ...(sample.cards ? [{ kind: 'card', count: sample.cards }] : []),
      ...(sample.ssns ? [{ kind: 'ssn', count: sample.ssns }] : []),
    ]
    expect(r.findings).toEqual(findings)
    // Redacting again finds nothing more.
    expect(redactSensitive(r.text)).toEqual({ text: r.text, findings: [] })
  })

  it('has layout samples (no-break spaces, dots, dashes, full-width digits, mixed separators, wrapped lines, cc#) caught and kept', () => {
    expect(LAYOUT_CORPUS.filter((s) => s.cards || s.ssns).length).toBeGreaterThanOrEqual(150)
    expect(LAYOUT_CORPUS.filter((s) => !s.cards && !s.ssns).length).toBeGreaterThanOrEqual(50)
    for (const s of LAYOUT_CORPUS.filter((x) => x.cards && x.expected === '[REDACTED]')) {
      expect(luhn(normalizeForRedaction(s.text).replace(/\D/g, '')), s.text).toBe(true)
    }
  })

  it("reads each special character as one plain one, as the database's translate() does", () => {
    expect([...NORMALIZE_FROM]).toHaveLength([...NORMALIZE_TO].length)
    expect(normalizeForRedaction('４１１１\u00a0٠١\u2013x\r\n')).toBe('4111 01-x\n\n')
  })

  it('noteText and noteJson redact inside a schema and report each field by its path', () => {
    const schema = z.strictObject({
      content: noteText(),
      value: noteJson(),
      plain: z.string(),
    })
    const { value, redactions } = parseRedacting(
      () =>
        schema.parse({
          content: '  card 4111 1111 1111 1111  ',
          value: { owner: 'SSN 123-45-6789', list: ['ok', '5555555555554444 and 6011111111111117'] },
          plain: '4111111111111111',
        }),
      'data',
    )
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

  it('parseCallRedacting redacts every string of a call, at any depth, and the reasoning, before the schema sees them', () => {
    const schema = z.strictObject({
      name: z.string(),
      lines: z.array(z.strictObject({ description: z.string() })),
      extra: z.record(z.string(), z.string()),
    })
    const r = parseCallRedacting(schema, {
      data: {
        name: 'Jane cc#4111111111111111',
        lines: [{ description: 'ok' }, { description: 'SSN 123.45.6789' }],
        extra: { '5555555555554444': 'x' },
      },
      reasoning: '  she read out 6011\u00a01111\u00a01111\u00a01117  ',
    })
    expect(r.value).toEqual({
      name: 'Jane cc#[REDACTED]',
      lines: [{ description: 'ok' }, { description: 'SSN [REDACTED]' }],
      extra: { '[REDACTED]': 'x' },
    })
    expect(r.reasoning).toBe('she read out [REDACTED]')
    expect(r.redactions).toEqual([
      { field: 'data.name', kind: 'card', count: 1 },
      { field: 'data.lines.1.description', kind: 'ssn', count: 1 },
      { field: 'data.extra', kind: 'card', count: 1 },
      { field: 'reasoning', kind: 'card', count: 1 },
    ])
    expect(parseCallRedacting(schema, { data: { name: 'Bob 256-555-0142', lines: [], extra: {} }, reasoning: '   ' })).toEqual({
      value: { name: 'Bob 256-555-0142', lines: [], extra: {} },
      reasoning: null,
      redactions: [],
    })
  })

  it('noteText refuses empty and over-long text', () => {
    expect(noteText().safeParse('   ').success).toBe(false)
    expect(noteText(10).safeParse('x'.repeat(11)).success).toBe(false)
  })
})
