import ICAL from 'ical.js'
import { describe, expect, it } from 'vitest'
import { escapeText, foldLine, serializeCalendar, utcStamp } from '../../../core/domains/calendars/ical.js'

describe('iCalendar text (RFC 5545)', () => {
  it('escapes backslash, semicolon, comma and every kind of line break, and drops other control characters', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng')
    expect(escapeText('tab\tkept, bell\u0007 gone')).toBe('tab\tkept\\, bell  gone')
  })

  it('folds at 75 octets without cutting a UTF-8 character, and unfolds to the same text', () => {
    const line = `DESCRIPTION:${'é'.repeat(30)}${'🔑'.repeat(20)}${'x'.repeat(100)}`
    const folded = foldLine(line)
    const parts = folded.split('\r\n')
    expect(parts.length).toBeGreaterThan(3)
    for (const [i, part] of parts.entries()) {
      expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75)
      if (i > 0) expect(part.startsWith(' ')).toBe(true)
      expect(part).not.toContain('\uFFFD')
    }
    expect(parts.map((p, i) => (i ? p.slice(1) : p)).join('')).toBe(line)
    expect(foldLine('SUMMARY:short')).toBe('SUMMARY:short')
    // Exactly 75 octets stays one line; 76 folds.
    expect(foldLine(`X:${'a'.repeat(73)}`)).not.toContain('\r\n')
    expect(foldLine(`X:${'a'.repeat(74)}`)).toBe(`X:${'a'.repeat(73)}\r\n a`)
  })

  it('writes UTC times with Z and a calendar ical.js reads back exactly', () => {
    expect(utcStamp(new Date('2026-11-05T15:00:00.123Z'))).toBe('20261105T150000Z')
    const text = 'Gate; code, "4821"\nback — ключ 🔑 '.repeat(5).trim()
    const body = serializeCalendar([
      ['BEGIN', 'VCALENDAR'],
      ['VERSION', '2.0'],
      ['PRODID', '-//Test//EN'],
      ['BEGIN', 'VEVENT'],
      ['UID', 'x@example.com'],
      ['DTSTAMP', utcStamp(new Date())],
      ['DTSTART', '20261105T150000Z'],
      ['DESCRIPTION', escapeText(text)],
      ['END', 'VEVENT'],
      ['END', 'VCALENDAR'],
    ])
    expect(body.endsWith('END:VCALENDAR\r\n')).toBe(true)
    const event = new ICAL.Component(ICAL.parse(body)).getFirstSubcomponent('vevent')!
    expect(event.getFirstPropertyValue('description')).toBe(text)
    expect((event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe('2026-11-05T15:00:00.000Z')
  })
})
