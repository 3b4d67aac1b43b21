import type { Sample } from './corpus.js'

const R = '[REDACTED]'

/** Test card numbers of the common brands, as [16 or 15 digits, printed groups]. */
const CARDS: Array<[string, number[]]> = [
  ['4111111111111111', [4, 4, 4, 4]],
  ['5555555555554444', [4, 4, 4, 4]],
  ['6011111111111117', [4, 4, 4, 4]],
  ['4012888888881881', [4, 4, 4, 4]],
  ['378282246310005', [4, 6, 5]],
]

const groupsOf = (digits: string, sizes: number[]) => {
  const out: string[] = []
  let at = 0
  for (const n of sizes) {
    out.push(digits.slice(at, at + n))
    at += n
  }
  return out
}
const fullWidth = (text: string) => text.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)))
const arabicIndic = (text: string) => text.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)))

/** Ways people write one card that plain "4111 1111 1111 1111" rules miss: each gives the text and what is stored. */
const CARD_LAYOUTS: Array<[string, (digits: string, groups: string[]) => [string, string]]> = [
  ['cc#', (d) => [`cc#${d}`, `cc#${R}`]],
  ['card#', (d) => [`card#${d}`, `card#${R}`]],
  ['visa glued', (d) => [`visa${d}`, `visa${R}`]],
  ['CC no.', (d) => [`CC no.${d}`, `CC no.${R}`]],
  ['dots', (_, g) => [g.join('.'), R]],
  ['no-break spaces', (_, g) => [g.join('\u00a0'), R]],
  ['narrow no-break spaces', (_, g) => [g.join('\u202f'), R]],
  ['thin spaces', (_, g) => [g.join('\u2009'), R]],
  ['figure spaces', (_, g) => [g.join('\u2007'), R]],
  ['ideographic spaces', (_, g) => [g.join('\u3000'), R]],
  ['tabs', (_, g) => [g.join('\t'), R]],
  ['double spaces', (_, g) => [g.join('  '), R]],
  ['spaced dashes', (_, g) => [g.join(' - '), R]],
  ['en dashes', (_, g) => [g.join('\u2013'), R]],
  ['em dashes', (_, g) => [g.join('\u2014'), R]],
  ['non-breaking hyphens', (_, g) => [g.join('\u2011'), R]],
  ['minus signs', (_, g) => [g.join('\u2212'), R]],
  ['full-width digits', (d) => [fullWidth(d), R]],
  ['full-width digits and spaces', (_, g) => [fullWidth(g.join('\u3000')), R]],
  ['full-width digits and hyphens', (_, g) => [fullWidth(g.join('\uff0d')), R]],
  ['Arabic-Indic digits', (d) => [arabicIndic(d), R]],
  ['mixed separators', (_, g) => [g.map((x, i) => (i ? ['-', ' ', '.'][i % 3] : '') + x).join(''), R]],
  ['mixed space and dash', (_, g) => [g.map((x, i) => (i ? [' ', '-'][i % 2] : '') + x).join(''), R]],
  ['split over two lines', (_, g) => [`${g.slice(0, 2).join(' ')}\n${g.slice(2).join(' ')}`, R]],
  ['split after a dash', (_, g) => [`${g.slice(0, 2).join('-')}-\n${g.slice(2).join('-')}`, R]],
  ['wrapped unbroken', (d) => [`${d.slice(0, 10)}\n${d.slice(10)}`, R]],
  ['wrapped with CRLF', (d) => [`${d.slice(0, 8)}\r\n${d.slice(8)}`, R]],
  ['in a sentence with no-break spaces', (_, g) => [`Paid with card ${g.join('\u00a0')} today.`, `Paid with card ${R} today.`]],
  ['in a sentence with dots', (_, g) => [`Her card is ${g.join('.')}, exp 12/27`, `Her card is ${R}, exp 12/27`]],
  ['after cc# in a sentence', (d) => [`Charge cc#${d} for the gutters`, `Charge cc#${R} for the gutters`]],
]

/** SSNs written outside the plain 123-45-6789: [text, stored]. */
const SSNS: Array<[string, string]> = [
  ['123.45.6789', R],
  ['078.05.1120', R],
  ['123\u201345\u20136789', R],
  ['219\u201109\u20119999', R],
  ['123\u221245\u22126789', R],
  [fullWidth('123-45-6789'), R],
  ['１２３－４５－６７８９', R],
  ['SSN 123\u00a045\u00a06789', `SSN ${R}`],
  ['ssn#123456789', `ssn#${R}`],
  ['SSN: 123 45 6789', `SSN: ${R}`],
  [`social security number ${fullWidth('123456789')}`, `social security number ${R}`],
  ['his ssn is 078.05.1120 ok', `his ssn is ${R} ok`],
  ['SSN\n123-45-6789', `SSN\n${R}`],
]

/** Texts in the same layouts that must be stored exactly as typed. */
const BENIGN: string[] = [
  // Phones.
  '256.555.0142',
  '256\u00a0555\u00a00142',
  '(256)\u00a0555\u20110142',
  '+1 (256) 555-0142',
  '256\u2013555\u20130142',
  fullWidth('256-555-0142'),
  '+1\u00a0256\u00a0555\u00a00142',
  '256 555 0142\n256 555 0199',
  '256-555-0142\n256-555-0199',
  'call 256.555.0142 or 256.555.0199',
  '+44\u00a020\u00a07946\u00a00958',
  '1.800.555.0199',
  '+49 (0) 30 123456789',
  // ZIP and ZIP+4.
  '35758\u201312345',
  '35801-1234, 35802-5678',
  '35801\n35802\n35803\n35804',
  'ZIP 35758-1234 35801-5678 35802-1111 35803-2222',
  fullWidth('35758-1234'),
  '35758.1234',
  // Dates and times.
  '2026.01.15',
  '15.01.2026',
  '15.01.2026 - 20.01.2026',
  '2026\u201301\u201315',
  '09:30\u201317:00',
  '9.30 am',
  '2026-01-15\n2026-02-15',
  fullWidth('2026-01-15'),
  '1/15/2026 - 2/15/2026',
  '2026-01-15 2026-02-15 2026-03-15 2026-04-15',
  // Invoice, ticket and order numbers, ids.
  'INV-2026-0001',
  'INV\u20132026\u20130001',
  'INV-2026-0001\nINV-2026-0002',
  'ticket #1042',
  'T-1042 and T-1043',
  'ORD-4111111111111111',
  'order_4111111111111111',
  'ref4111111111111111',
  'SKU4111111111111111',
  'Order 112-4567890-1234567',
  'uuid 12345678-1234-1234-1234-123456789012',
  '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  'a1b2c3d4-0000-4000-8000-000000000001',
  // Money and other numbers.
  '$4,111.11',
  '1.234.567,89 EUR',
  '$1 234 567.89',
  '192.168.100.200',
  'v4.111.1111',
  '3.14159265358979323',
  '0.4111111111111111',
  'Version 2026.1.15.4111',
  '12 windows, 3 screens\n2 doors',
  // 16 digits that fail the Luhn check, in every new layout.
  '4111.1111.1111.1112',
  '4111\u00a01111\u00a01111\u00a01112',
  'cc#4111111111111112',
  fullWidth('4111111111111112'),
  '4111-1111 1111.1112',
  '4111 1111\n1111 1112',
  '4111111111\n111112',
  '4111\u20131111\u20131111\u20131112',
]

/** Every layout sample: each card in each layout, the SSN variants, then the benign texts. */
export const LAYOUT_CORPUS: Sample[] = [
  ...CARDS.flatMap(([digits, sizes]) =>
    CARD_LAYOUTS.map(([, make]) => {
      const [text, expected] = make(digits, groupsOf(digits, sizes))
      return { text, expected, cards: 1, ssns: 0 }
    }),
  ),
  ...SSNS.map(([text, expected]) => ({ text, expected, cards: 0, ssns: 1 })),
  ...BENIGN.map((text) => ({ text, expected: text, cards: 0, ssns: 0 })),
]
