import { describe, expect, it } from 'vitest'
import { nameTag } from '../../bench/name-tag.js'
import { appUnique, baselineUnique, fillUnique, sendUnique, unmarked } from '../../bench/send-unique.js'

describe('the unique text of each send', () => {
  it("fills a body's {{n}} with the sender's pid and count, and its {{tag}} with the same in letters", () => {
    const filled = JSON.parse(fillUnique(JSON.stringify({ email: 'a.{{n}}@x.example', name: 'Jo {{tag}}' }), 12))
    expect(filled.email).toBe(`a.${process.pid}x12@x.example`)
    expect(filled.name).toMatch(/^Jo [a-j]+x[b][c]$/)
    expect(filled.name).not.toMatch(/\d/)
  })

  it("gives the app's call and the baseline's operation of a slice the same digits, so PostgreSQL's redaction does the same work on both", () => {
    const app = fillUnique(appUnique('c32r1s0'), 4821)
    const baseline = baselineUnique('c32r1s0', 4821)
    expect(app).toBe(`appc32r1s0n${sendUnique(4821)}`)
    expect(baseline.replace(/^base/, '')).toBe(app.replace(/^app/, ''))
  })
})

describe("a replay's parameters", () => {
  it("take the operation's unique text where the recording had the marker, and its letters where a name had the marker's", () => {
    const marker = 'markerab12cd0'
    const unique = baselineUnique('c32r0s1', 77)
    const recorded = [`Contact ${nameTag(marker)}`, `${marker}@bench.example`, ['x', `Contact ${nameTag(marker)}`], 42]
    expect(recorded.map((p) => unmarked(p, marker, unique))).toEqual([
      `Contact ${nameTag(unique)}`,
      `${unique}@bench.example`,
      ['x', `Contact ${nameTag(unique)}`],
      42,
    ])
    expect(() => unmarked('x', 'markerabcd', unique)).toThrow(/needs a digit/)
  })
})
