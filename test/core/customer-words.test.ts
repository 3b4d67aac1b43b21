import { describe, expect, it } from 'vitest'
import { digitsOfRun } from '../../core/text/customer-words/number-words.js'
import { heldWordsIn, type OwnChannels } from '../../core/text/customer-words/held-words.js'
import { readableViews } from '../../core/text/customer-words/readable.js'
import { CORPORA, isName, ownChannelsOf } from '../corpus/customer-text/corpus.js'

const OWN: OwnChannels = {
  phones: ['(256) 555-0100', '(256) 555-0177'],
  emails: ['dana@demo-windows.test', 'owen.park@example.net'],
  sites: ['rocketcitywindows.com'],
  links: ['https://g.page/r/rocket-city/review'],
  country: 'US',
}

const held = (text: string, as: 'words' | 'name' = 'words') => heldWordsIn(text, OWN, as).map((h) => [h.kind, h.phrase])

describe('words customers read that wait for the owner', () => {
  describe.each(CORPORA)('the $name corpus', (corpus) => {
    const own = ownChannelsOf(corpus)

    it('is large enough, and holds no text twice', () => {
      if (corpus.name !== 'tuning') {
        expect(corpus.disguised.length).toBeGreaterThanOrEqual(300)
        expect(corpus.ordinary.length).toBeGreaterThanOrEqual(300)
      }
      expect(new Set(corpus.disguised.map((t) => t.text)).size).toBe(corpus.disguised.length)
      expect(new Set(corpus.ordinary.map((t) => t.text)).size).toBe(corpus.ordinary.length)
    })

    it('holds back every disguised way to reach or pay someone else, and every word about paying', () => {
      const missed = corpus.disguised.filter((t) => heldWordsIn(t.text, own).length === 0).map((t) => `${t.kind}: ${t.text}`)
      expect(missed).toEqual([])
    })

    it('lets every ordinary text go as written, and reads a name with a digit as the owner’s to see', () => {
      const wrong = corpus.ordinary
        .map((t) => ({ t, found: heldWordsIn(t.text, own) }))
        .filter(({ found }) => found.length)
        .map(({ t, found }) => `${t.kind}: ${t.text} -> ${JSON.stringify(found)}`)
      expect(wrong).toEqual([])
      for (const name of corpus.ordinary.filter(isName)) {
        expect(heldWordsIn(name.text, own, 'name').length > 0, name.text).toBe(/\d/.test(name.text))
      }
    })
  })

  it('quotes each place as written and says what it is', () => {
    expect(held('To pay by card call (256) 555-0199 today.')).toEqual([
      ['words about paying', 'pay'],
      ['a phone number', '(256) 555-0199'],
    ])
    expect(held('Questions? Call (256) 555-0100 or write dana@demo-windows.test, or see rocketcitywindows.com/faq')).toEqual([])
    expect(held('Reach Owen at 256.555.0177 or owen.park@example.net')).toEqual([])
    expect(held('Leave a review: https://g.page/r/rocket-city/review')).toEqual([])
    expect(held('Leave a review: https://g.page/r/someone-else/review')).toEqual([
      ['a web address', 'https://g.page/r/someone-else/review'],
    ])
  })

  it('reads look-alike, hidden and spelled-out letters as a customer sees them', () => {
    expect(held('Send it through \u1d22\u1d07\u029f\u029f\u1d07 please')).toEqual([['a payment service', '\u1d22\u1d07\u029f\u029f\u1d07']])
    expect(held('Zel le works, or Ca$hApp, or PaypaI')).toEqual([
      ['a payment service', 'Zel le'],
      ['cash, checks or cards', 'Ca$hApp'],
      ['words about paying', 'PaypaI'],
    ])
    expect(held('Ven\u200bmo @mike_cleans')).toEqual([
      ['a payment service', 'Venmo'],
      ['a handle', '@mike_cleans'],
    ])
    expect(held('V e n m o is easiest')).toEqual([['a payment service', 'V e n m o']])
  })

  it('takes a channel of the business only as written: a look-alike letter or a hidden character makes it another’s', () => {
    expect(held('Details at rocketcitywind\u043ews.com/invoice')[0]).toEqual(['a web address', 'rocketcitywind\u043ews.com/invoice'])
    expect(held('Write dana@demo-wind\u043ews.test')[0]).toEqual(['an email address', 'dana@demo-wind\u043ews.test'])
    expect(held('https://rocketcitywindows.com@billing.example/2041')[0][0]).toBe('a web address')
    expect(held('https://rocketcitywindows.com/go?to=https://elsewhere.example')[0][0]).toBe('a web address')
    expect(held('Our site: rocketcitywindows.com.pay-now.example')[0][0]).toBe('a web address')
    expect(held('Call (256) 555\u20110100 any weekday')).toEqual([])
  })

  it('reads defanged addresses whole, and numbers written as words as digits', () => {
    expect(held('Statement at billing-rcw[.]example/owen')[0]).toEqual(['a web address', 'billing-rcw[.]example/owen'])
    expect(held('mike (at) gmail [dot] com')[0]).toEqual(['an email address', 'mike (at) gmail [dot] com'])
    expect(held('hxxps://rcw-billing.example')[0][0]).toBe('a web address')
    expect(held('m i k e . c l e a n s @ g m a i l . c o m')[0][0]).toBe('an email address')
    expect(held('Call two five six, five five five, oh one nine nine')[0][0]).toBe('a phone number')
    expect(held('Llame al dos cinco seis cinco cinco cinco cero uno nueve nueve')[0][0]).toBe('a phone number')
    expect(held('Our number is 256-555-O199')[0]).toEqual(['a phone number', '256-555-O199'])
    expect(digitsOfRun('two fifty-six')).toBe('256')
    expect(digitsOfRun('treinta y dos')).toBe('32')
    expect(digitsOfRun('double five')).toBe('55')
    expect(digitsOfRun('two hundred forty')).toBe('240')
  })

  it('finds account, card and wallet numbers by their shape, with no word naming them', () => {
    expect(held('021000021 / 4839201754')[0][0]).toBe('a number like an account number')
    expect(held('GB33.BUKB.2020.1555.5555.55')[0]).toEqual(['an IBAN', 'GB33.BUKB.2020.1555.5555.55'])
    expect(held('0141 8065 5091 4382 98')[0][0]).toBe('a number like an account number')
    expect(held('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq')[0][0]).toBe('an account or wallet code')
    expect(held('4AdUndXHHZ6cfufTMJppY7rBUHtaAPpjf94uXm4nJLvBhTjwFQ6V7yBzLGJmjXxKgKemLGQzNTXh9U2a8sLsWvTy5HbLpYk')[0][0]).toBe(
      'an account or wallet code',
    )
    expect(held('Pay $MikeCleans')).toContainEqual(['a $cashtag', '$MikeCleans'])
  })

  it('leaves the shapes of an ordinary day alone: dates, ZIP codes, record numbers, prices, gate codes', () => {
    for (const text of [
      'Tue 12/08/2026 between 9 and 11',
      '4021 Whitesburg Dr SW, Huntsville AL 35802-1234',
      'Invoice INV-2026-0104 and quote Q-2026-0031',
      '24 windows @ $7.50 = $180.00',
      'Gate code 4821#, lockbox 0719',
      'Visit on 2026-12-08 at 9:00',
      'Our crew pays attention to the screens',
      'Transfer your appointment to Friday; we used a wire brush on the tracks.',
    ]) {
      expect(held(text), text).toEqual([])
    }
  })

  it('reads a digit in a name as a number the owner sees, and names without digits as names', () => {
    expect(held('Owen 2', 'name')).toEqual([['a number in a name', '2']])
    expect(held("Mary-Kate O'Neil", 'name')).toEqual([])
    expect(held('Owen Park\u200b256-555-0199', 'name')[0]).toEqual(['a phone number', '256-555-0199'])
  })

  it('holds text shown in another order than it is written', () => {
    expect(held('Pay at \u202emoc.yap-wcr')[1][0]).toBe('text shown reversed')
  })

  it("reads the product's template variables as blanks, but still reads the words around them", () => {
    expect(held('{{payment_link}} {{how_to_pay}} {{amount_due}}')).toEqual([])
    expect(held('Hi {{customer_first_name}}, Zelle us at 256-555-0199.')).toEqual([
      ['a payment service', 'Zelle'],
      ['a phone number', '256-555-0199'],
    ])
  })

  it('cuts a long phrase to 80 characters, and reads long texts and long runs of what the rules look for', () => {
    const [link] = heldWordsIn(`See https://evil.example/${'a'.repeat(200)}`, OWN)
    expect(link.phrase.length).toBeLessThanOrEqual(80)
    expect(link.phrase.endsWith('…')).toBe(true)
    const everyday = CORPORA[0].ordinary.map((t) => t.text).join(' ')
    let long = ''
    while (long.length < 20_000) long += `${everyday} `
    long = `${long.slice(0, 10_000)} Venmo @mike_cleans. ${long.slice(10_000, 20_000)}`
    expect(heldWordsIn(long, ownChannelsOf(CORPORA[0])).map((h) => [h.kind, h.phrase])).toEqual([
      ['a payment service', 'Venmo'],
      ['a handle', '@mike_cleans'],
    ])
    for (const run of ['a '.repeat(10_000), 'pay '.repeat(5_000), '{{a}}'.repeat(4_000), 'z e '.repeat(5_000)]) {
      expect(heldWordsIn(run, OWN).length).toBeLessThan(6_000)
    }
    expect(readableViews('1 '.repeat(10_000)).plain.text.length).toBeGreaterThan(0)
  })

  it('finds nothing in an empty text', () => {
    expect(held('')).toEqual([])
    expect(held('   ')).toEqual([])
  })
})
