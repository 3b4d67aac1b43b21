import { describe, expect, it } from 'vitest'
import { parseProcStatCpuMs, processCpuMs } from '../../bench/process-cpu.js'

describe('parseProcStatCpuMs', () => {
  it('adds user and system time, in milliseconds, even when the name holds spaces and parentheses', () => {
    const stat = '4242 (node (api) x) S 1 4242 4242 0 -1 4194560 9000 0 3 0 250 75 0 0 20 0 11 0 1234 22291656 138000 18446744073709551615'
    expect(parseProcStatCpuMs(stat)).toBe(3250)
  })

  it("adds its exited children's times when asked (a server's ended connections)", () => {
    const stat = '4242 (postgres) S 1 4242 4242 0 -1 4194560 9000 0 3 0 250 75 400 25 20 0 11 0 1234 22291656 138000 18446744073709551615'
    expect(parseProcStatCpuMs(stat)).toBe(3250)
    expect(parseProcStatCpuMs(stat, true)).toBe(7500)
  })

  it('fails on a text without CPU times instead of reading zero', () => {
    expect(() => parseProcStatCpuMs('4242 (node) S 1')).toThrow(/CPU times/)
  })

  it('reads this process, whose CPU time only grows', () => {
    const before = processCpuMs(process.pid)
    let x = 0
    for (let i = 0; i < 5e6; i++) x += i
    expect(x).toBeGreaterThan(0)
    expect(processCpuMs(process.pid)).toBeGreaterThanOrEqual(before)
  })
})
