import { describe, expect, it } from 'vitest'
import { appUnique, baselineUnique, fillUnique, sendUnique } from '../../bench/send-unique.js'

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
