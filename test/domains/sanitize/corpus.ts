import { LAYOUT_CORPUS } from './layouts.js'

/** One text as typed into a note, and what must be stored: the same text when nothing in it is sensitive. */
export interface Sample {
  text: string
  expected: string
  cards: number
  ssns: number
}

const R = '[REDACTED]'

/** Texts that hold card numbers or SSNs: [text, what is stored, cards, ssns]. */
const SENSITIVE: Array<[string, string, number, number]> = [
  // Visa, Mastercard, Amex, Discover, Diners and JCB test numbers, unbroken.
  ['4111111111111111', R, 1, 0],
  ['4012888888881881', R, 1, 0],
  ['4242424242424242', R, 1, 0],
  ['4000056655665556', R, 1, 0],
  ['4222222222222', R, 1, 0],
  ['5555555555554444', R, 1, 0],
  ['5105105105105100', R, 1, 0],
  ['2223003122003222', R, 1, 0],
  ['5200828282828210', R, 1, 0],
  ['378282246310005', R, 1, 0],
  ['371449635398431', R, 1, 0],
  ['378734493671000', R, 1, 0],
  ['6011111111111117', R, 1, 0],
  ['6011000990139424', R, 1, 0],
  ['6011981111111113', R, 1, 0],
  ['30569309025904', R, 1, 0],
  ['38520000023237', R, 1, 0],
  ['3530111333300000', R, 1, 0],
  ['3566002020360505', R, 1, 0],
  ['6200000000000005', R, 1, 0],
  ['4111111111111111110', R, 1, 0],
  // Printed with spaces or dashes.
  ['4111 1111 1111 1111', R, 1, 0],
  ['4111-1111-1111-1111', R, 1, 0],
  ['5555 5555 5555 4444', R, 1, 0],
  ['5555-5555-5555-4444', R, 1, 0],
  ['3782 822463 10005', R, 1, 0],
  ['3782-822463-10005', R, 1, 0],
  ['6011 1111 1111 1117', R, 1, 0],
  ['6011-0009-9013-9424', R, 1, 0],
  ['3056 930902 5904', R, 1, 0],
  ['4111 1111 1111 1111 110', R, 1, 0],
  ['4222 2222 2222 2', R, 1, 0],
  // Inside sentences, next to punctuation, on their own line.
  ['Customer paid with card 4111 1111 1111 1111 yesterday', `Customer paid with card ${R} yesterday`, 1, 0],
  ['Visa: 4111-1111-1111-1111.', `Visa: ${R}.`, 1, 0],
  ['card number is 5555555555554444, exp 12/27', `card number is ${R}, exp 12/27`, 1, 0],
  ['Amex (378282246310005) on file', `Amex (${R}) on file`, 1, 0],
  ['cc=6011111111111117', `cc=${R}`, 1, 0],
  ['"4242424242424242"', `"${R}"`, 1, 0],
  ['Card:\n4111111111111111\nThanks', `Card:\n${R}\nThanks`, 1, 0],
  ['charge 4111 1111 1111 1111 12/25 cvv 123', `charge ${R} 12/25 cvv 123`, 1, 0],
  ['4111 1111 1111 1111 exp 0927', `${R} exp 0927`, 1, 0],
  ['two cards: 4111111111111111 5555555555554444', `two cards: ${R} ${R}`, 2, 0],
  ['old 4012-8888-8888-1881, new 5105 1051 0510 5100', `old ${R}, new ${R}`, 2, 0],
  [
    'Paid with 4111 1111 1111 1111, call 256-555-0142 re INV-2026-0001 on 2026-01-15',
    `Paid with ${R}, call 256-555-0142 re INV-2026-0001 on 2026-01-15`,
    1,
    0,
  ],
  ['card ending 1111 is 4111111111111111', `card ending 1111 is ${R}`, 1, 0],
  ['#4111111111111111', `#${R}`, 1, 0],
  ['1 2 3 4111 1111 1111 1111', `1 2 3 ${R}`, 1, 0],
  // SSNs.
  ['123-45-6789', R, 0, 1],
  ['SSN 123-45-6789', `SSN ${R}`, 0, 1],
  ['ssn: 078-05-1120', `ssn: ${R}`, 0, 1],
  ['SSN:123-45-6789.', `SSN:${R}.`, 0, 1],
  ['my ss# is 219-09-9999 ok', `my ss# is ${R} ok`, 0, 1],
  ['husband 123-45-6789 and wife 987-65-4321', `husband ${R} and wife ${R}`, 0, 2],
  ['SSN 123456789', `SSN ${R}`, 0, 1],
  ['SSN123456789', `SSN${R}`, 0, 1],
  ['social security number 123 45 6789', `social security number ${R}`, 0, 1],
  ['Social Security No. 123456789', `Social Security No. ${R}`, 0, 1],
  ['her SSN is 123456789.', `her SSN is ${R}.`, 0, 1],
  ['SSN-123-45-6789', `SSN-${R}`, 0, 1],
  // Both kinds together.
  ['card 4111 1111 1111 1111 ssn 123-45-6789', `card ${R} ssn ${R}`, 1, 1],
  ['4111 1111 1111 1111 123-45-6789', `${R} ${R}`, 1, 1],
]

/** Texts that must be stored exactly as typed. */
const BENIGN: string[] = [
  // Long numbers that fail the Luhn check, or are not written like a card.
  '4111111111111112',
  '4111 1111 1111 1112',
  '1234 5678 9012 3456',
  '1234-5678-9012-3456',
  '5555555555555555',
  '411111111111111',
  '4111 1111 1111 111',
  '6012345678901234567',
  '0000 0000 0000 0000',
  '0000000000000000',
  'ORD-4111111111111111',
  'ref4111111111111111',
  // Phones in many formats.
  '(256) 555-0142',
  '256-555-0142',
  '256.555.0142',
  '2565550142',
  '256 555 0142',
  '+1 256 555 0142',
  '+1-256-555-0142',
  '+12565550142',
  '1-800-555-0199',
  '1 (800) 555-0199 ext. 1234',
  '+44 20 7946 0958',
  '+49 30 123456789',
  'call 256-555-0142 or 256-555-0199',
  'cell 256-555-0142 256-555-0199',
  'phones: 2565550142 2565550199',
  'Reach her at (256) 555-0142 after 5pm',
  // ZIP and ZIP+4 codes.
  '35758',
  '35758-1234',
  '357581234',
  'Owens Cross Roads, AL 35763',
  '123 Main St, Madison AL 35758-1234',
  'ZIPs 35758-1234 35801-5678 35802-1111',
  'zip 35801 35802 35803 35804',
  // Dates and times.
  '2026-01-15',
  '01/15/2026',
  '1/15/26',
  '15.01.2026',
  '2026-01-15 2026-02-15',
  'from 2026-01-15 to 2026-02-15',
  '2026-01-15T09:00:00Z',
  '20260115',
  'Jan 15, 2026 at 9:30 AM',
  'window 09:00-17:00',
  // Invoice, ticket and order numbers.
  'INV-2026-0001',
  'INV-2026-0001 and INV-2026-0002',
  'ABC2026-000123',
  'ticket #1042',
  'T-1042',
  'Ticket 12345',
  'order #123456789',
  'Order 112-4567890-1234567',
  'PO 2026-000123',
  'tracking 1Z999AA10123456784',
  'USPS 9400 1000 0000 0000 0000 00',
  // Other numbers people write.
  'routing 021000021',
  'acct 1234567890',
  '123456789',
  '123 45 6789',
  '555-123-45-6789',
  '123-45-67890',
  '1123-45-6789',
  'A123-45-6789',
  'PART-123-45-6789',
  '$1,234.56',
  '$12,345,678.90',
  '3.14159265358979323',
  '12 windows, 3 screens, 2 doors',
  'uuid 3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  'Gate code 4821#, dog named Max',
  'Customer prefers mornings; last visit 2025-11-03, paid $240 by check #1187',
  '',
]

/** Every sample, sensitive ones first, then the layouts of layouts.ts (no-break spaces, dots, full-width digits...). */
export const CORPUS: Sample[] = [
  ...SENSITIVE.map(([text, expected, cards, ssns]) => ({ text, expected, cards, ssns })),
  ...BENIGN.map((text) => ({ text, expected: text, cards: 0, ssns: 0 })),
  ...LAYOUT_CORPUS,
]

/** An independent Luhn check, so the corpus's own claims about its numbers are verified too. */
export function luhn(digits: string): boolean {
  const d = digits.split('').map(Number).reverse()
  return d.reduce((sum, x, i) => sum + (i % 2 ? (x * 2 > 9 ? x * 2 - 9 : x * 2) : x), 0) % 10 === 0
}
