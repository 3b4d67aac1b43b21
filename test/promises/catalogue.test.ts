import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/build.js'
import { CATALOGUE, type Catalogued } from './catalogue.js'
import { PROMISE_WORDS, type PromiseString, productPromiseStrings } from './scan.js'

const found = productPromiseStrings()

/** The names of the tests in a test file: the first argument of each it() or test(). */
function testNames(source: string): string[] {
  return [...source.matchAll(/\b(?:it|test)(?:\.each\([^)]*\))?\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g)].map((m) =>
    m[2].replace(/\\(.)/g, '$1'),
  )
}

/** Whether a catalogue entry stands for a string: same file, and its phrase is part of the string. */
const covers = (entry: Catalogued, s: PromiseString) => entry.file === s.file && s.text.includes(entry.phrase)

describe('every promise the product words make is catalogued with its check', () => {
  it('finds the promise words in the sources (the scan reads string literals)', () => {
    expect(found.length).toBeGreaterThan(100)
    expect(found.some((s) => s.file === 'core/domains/tickets/actions.ts' && /emails are cancelled/.test(s.text))).toBe(true)
  })

  it('catalogues every string with a promise word, so a new promise cannot come without a check', () => {
    const missing = found.filter((s) => !CATALOGUE.some((entry) => covers(entry, s))).map((s) => `${s.file}:${s.line}: ${s.text}`)
    expect(missing, 'add each to test/promises/catalogue.ts with the test that checks it').toEqual([])
  })

  it('has no entry that stands for nothing (a word changed or a string moved)', () => {
    const stale = CATALOGUE.filter((entry) => !found.some((s) => covers(entry, s))).map((e) => `${e.file}: ${e.phrase}`)
    expect(stale).toEqual([])
  })

  it('gives each phrase a promise word, and each promise its check or the reason it has none', () => {
    for (const entry of CATALOGUE) {
      expect(PROMISE_WORDS.test(entry.phrase), entry.phrase).toBe(true)
      if (entry.promises === null) expect(entry.reason, `${entry.file}: ${entry.phrase}`).toBeTruthy()
      else if (entry.checked_by === null) expect(entry.reason, `${entry.file}: ${entry.phrase}`).toBeTruthy()
    }
  })

  it('names checks that exist: each test file holds the named test', () => {
    const absent: string[] = []
    for (const entry of CATALOGUE) {
      if (!entry.checked_by) continue
      const path = join(root, entry.checked_by.file)
      if (!existsSync(path)) absent.push(`${entry.checked_by.file} (no such file)`)
      else if (!testNames(readFileSync(path, 'utf8')).some((name) => name.includes(entry.checked_by!.test)))
        absent.push(`${entry.checked_by.file}: ${entry.checked_by.test}`)
    }
    expect(absent).toEqual([])
  })
})
