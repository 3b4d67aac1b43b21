import { createContext, runInContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { redactSensitive } from '../../core/kernel/sanitize.js'
import { CLOSEOUT_SCRIPT } from '../../console/technician/closeout/script.js'
import { CORPUS } from '../domains/sanitize/corpus.js'

/** What a field marked data-redact holds after it loses focus, the page's counts sent with the form, and the warning shown. */
interface Outcome {
  text: string
  cards: number
  ssns: number
  warning: string | null
}

/**
 * Runs the close-out's bundled script (exactly the text the pages inline) in a bare context with just enough of a page
 * for it to start, and returns a function that types a text into the notes field and moves the focus away.
 */
function closeoutPage(): (text: string) => Outcome {
  const listeners = new Map<string, Array<(event: unknown) => void>>()
  const on = (type: string, fn: (event: unknown) => void) => listeners.set(type, [...(listeners.get(type) ?? []), fn])
  const page: Record<string, unknown> = {
    document: {
      addEventListener: on,
      querySelector: () => ({ querySelector: () => null }),
      getElementById: () => null,
      createElement: () => ({ setAttribute() {}, className: '', textContent: '' }),
    },
    location: { pathname: '/tickets/t/closeout/notes', href: 'http://127.0.0.1/tickets/t/closeout/notes' },
    addEventListener: on,
    setInterval: () => 0,
    localStorage: { getItem: () => null, setItem() {}, removeItem() {} },
  }
  page.window = page
  const context = createContext(page)
  runInContext(CLOSEOUT_SCRIPT, context)
  return (typed) => {
    const hidden = { card: { value: '0' }, ssn: { value: '0' } }
    let warning: string | null = null
    const field = {
      value: typed,
      matches: (selector: string) => selector === '[data-redact]',
      form: { querySelector: (s: string) => (s.includes('card') ? hidden.card : s.includes('ssn') ? hidden.ssn : null) },
      insertAdjacentElement: (_where: string, p: { textContent: string }) => {
        warning = p.textContent
      },
    }
    for (const fn of listeners.get('focusout') ?? []) fn({ target: field })
    return { text: field.value, cards: Number(hidden.card.value), ssns: Number(hidden.ssn.value), warning }
  }
}

describe('the close-out page redacts as the server does', () => {
  const type = closeoutPage()

  it.each(CORPUS.map((s) => [JSON.stringify(s.text), s] as const))('%s', (_, sample) => {
    const server = redactSensitive(sample.text)
    const count = (kind: string) => server.findings.find((f) => f.kind === kind)?.count ?? 0
    const page = type(sample.text)
    expect({ text: page.text, cards: page.cards, ssns: page.ssns }).toEqual({ text: server.text, cards: count('card'), ssns: count('ssn') })
    expect(page.text).toBe(sample.expected)
    const said = sample.cards ? 'A card number' : sample.ssns ? 'A social security number' : null
    expect(page.warning?.replace(/ was removed.*/, '') ?? null).toBe(said)
  })
})
