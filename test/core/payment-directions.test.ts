import { describe, expect, it } from 'vitest'
import { clabeValid, ibanChecksumValid } from '../../core/payment-directions-codes.js'
import { paymentDirectionsIn } from '../../core/payment-directions.js'
import { WITH_PAYMENT_DIRECTIONS, WITHOUT_PAYMENT_DIRECTIONS } from './payment-directions-corpus.js'

describe('payment directions in a text', () => {
  it('reads a corpus of at least 200 sentences with payment directions and 200 without', () => {
    expect(WITH_PAYMENT_DIRECTIONS.length).toBeGreaterThanOrEqual(200)
    expect(WITHOUT_PAYMENT_DIRECTIONS.length).toBeGreaterThanOrEqual(200)
    expect(new Set(WITH_PAYMENT_DIRECTIONS).size).toBe(WITH_PAYMENT_DIRECTIONS.length)
    expect(new Set(WITHOUT_PAYMENT_DIRECTIONS).size).toBe(WITHOUT_PAYMENT_DIRECTIONS.length)
  })

  it.each(WITH_PAYMENT_DIRECTIONS)('finds payment directions in %j', (sentence) => {
    expect(paymentDirectionsIn(sentence)).not.toEqual([])
  })

  it.each(WITHOUT_PAYMENT_DIRECTIONS)('finds none in %j', (sentence) => {
    expect(paymentDirectionsIn(sentence)).toEqual([])
  })

  it('quotes each place as written and says what it is', () => {
    expect(paymentDirectionsIn('Our bank details changed, so please pay by wire to IBAN GB33 BUKB 2020 1555 5555 55.')).toEqual([
      { phrase: 'bank details changed', kind: 'new bank details' },
      { phrase: 'by wire', kind: 'a wire transfer' },
      { phrase: 'IBAN GB33 BUKB 2020 1555 5555 55', kind: 'an IBAN' },
    ])
    expect(paymentDirectionsIn('Zelle: 256-555-0199 (Mike)')).toEqual([{ phrase: 'Zelle: 256-555-0199', kind: 'a Zelle handle' }])
    expect(paymentDirectionsIn('Please make checks payable to M. Thompson.')).toEqual([
      { phrase: 'make checks payable to', kind: 'a payee for checks' },
    ])
    expect(paymentDirectionsIn('Pay here: https://evil.example/x')).toEqual([
      { phrase: 'Pay here: https://evil.example/x', kind: 'a link to pay elsewhere' },
    ])
    expect(paymentDirectionsIn('Account number: 4839201754, routing number: 021000021.')).toEqual([
      { phrase: 'Account number: 4839201754', kind: 'a bank account number' },
      { phrase: 'routing number: 021000021', kind: 'a routing number' },
    ])
    expect(paymentDirectionsIn('ETH: 0x742d35Cc6634C0532925a3b844Bc454e4438f44e')).toContainEqual({
      phrase: '0x742d35Cc6634C0532925a3b844Bc454e4438f44e',
      kind: 'a crypto address',
    })
    expect(paymentDirectionsIn('Nuestros datos bancarios cambiaron.')).toEqual([
      { phrase: 'Nuestros datos bancarios cambiaron', kind: 'new bank details' },
    ])
    expect(paymentDirectionsIn('Cuenta CLABE: 014180655091438298')).toEqual([
      { phrase: 'CLABE: 014180655091438298', kind: 'a CLABE account number' },
    ])
  })

  it('quotes disguised words as the customer sees them, without the invisible characters', () => {
    expect(paymentDirectionsIn('Please pay via Z e l l e to 256-555-0199.')).toEqual([
      { phrase: 'Z e l l e to 256-555-0199', kind: 'a Zelle handle' },
    ])
    expect(paymentDirectionsIn('Pay via Zel\u200ble to 256-555-0199.')).toEqual([
      { phrase: 'Zelle to 256-555-0199', kind: 'a Zelle handle' },
    ])
    expect(paymentDirectionsIn('Pay with P\u0430yP\u0430l to mike.t@gmail.com.')).toEqual([
      { phrase: 'P\u0430yP\u0430l to mike.t@gmail.com', kind: 'a PayPal address' },
    ])
    expect(paymentDirectionsIn('Pay your balance here:\nhttps://bright-windows-invoices.net/p/4821')).toEqual([
      { phrase: 'Pay your balance here: https://bright-windows-invoices.net/p/4821', kind: 'a link to pay elsewhere' },
    ])
  })

  it('takes a bare IBAN only when its check digits are right, and any code written after the word IBAN', () => {
    expect(paymentDirectionsIn('GB33 BUKB 2020 1555 5555 55 is the account.')).toEqual([
      { phrase: 'GB33 BUKB 2020 1555 5555 55', kind: 'an IBAN' },
    ])
    expect(paymentDirectionsIn('Reference GB33 BUKB 2020 1555 5555 56 on the form.')).toEqual([])
    expect(paymentDirectionsIn('IBAN: DE00 1234 5678 9012 3456 78 please.')).toEqual([
      { phrase: 'IBAN: DE00 1234 5678 9012 3456 78', kind: 'an IBAN' },
    ])
    // Each country's account part has its own shape: a Belgian one is digits only, and a UUID's last groups are no IBAN.
    expect(ibanChecksumValid('BE16151C9BDE2A3F')).toBe(true)
    expect(paymentDirectionsIn('BE16 151C 9BDE 2A3F is the account.')).toEqual([])
    expect(paymentDirectionsIn('Twice 0c7d1e2a-41f3-4b7e-be16-151c9bde2a3f')).toEqual([])
    expect(paymentDirectionsIn('Pay BE71 0961 2345 6769 today.')).toEqual([{ phrase: 'BE71 0961 2345 6769', kind: 'an IBAN' }])
    expect(ibanChecksumValid('DE89370400440532013000')).toBe(true)
    expect(ibanChecksumValid('DE89370400440532013001')).toBe(false)
    expect(clabeValid('032180000118359719')).toBe(true)
    expect(clabeValid('032180000118359718')).toBe(false)
  })

  it("reads the product's template variables as blanks, but still reads the words around them", () => {
    expect(paymentDirectionsIn('Pay online: {{payment_link}}')).toEqual([])
    expect(paymentDirectionsIn('{{how_to_pay}} {{payment_instructions}} {{amount_due}}')).toEqual([])
    expect(paymentDirectionsIn('Hi {{customer_first_name}}, Zelle us at 256-555-0199.')).toEqual([
      { phrase: 'Zelle us at 256-555-0199', kind: 'a Zelle handle' },
    ])
  })

  it('cuts a long phrase to 80 characters', () => {
    const [direction] = paymentDirectionsIn(`Pay here: https://evil.example/${'a'.repeat(200)}`)
    expect(direction.kind).toBe('a link to pay elsewhere')
    expect(direction.phrase.length).toBeLessThanOrEqual(80)
    expect(direction.phrase.endsWith('…')).toBe(true)
  })

  it('reads a long email, and long runs of what its rules look for', () => {
    const everyday = WITHOUT_PAYMENT_DIRECTIONS.join(' ')
    let long = ''
    while (long.length < 20_000) long += `${everyday} `
    long = `${long.slice(0, 10_000)} Venmo @mike_cleans for the balance. ${long.slice(10_000, 20_000)}`
    expect(paymentDirectionsIn(long)).toEqual([{ phrase: 'Venmo @mike_cleans', kind: 'a Venmo handle' }])
    for (const run of ['a '.repeat(10_000), '1'.repeat(20_000), 'GB33 '.repeat(4_000), 'pay '.repeat(5_000), '{{a}}'.repeat(4_000)]) {
      expect(paymentDirectionsIn(run)).toEqual([])
    }
  })

  it('finds nothing in an empty text', () => {
    expect(paymentDirectionsIn('')).toEqual([])
  })
})
