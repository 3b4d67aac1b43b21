import { describe, expect, it } from 'vitest'
import { parseProcStatus, processMemory, residentOfMappingSized } from '../../bench/process-memory.js'

const STATUS = `Name:\tnode
VmPeak:\t11751304 kB
VmHWM:\t  412000 kB
VmRSS:\t  300000 kB
RssAnon:\t  250000 kB
RssFile:\t   50000 kB
RssShmem:\t       0 kB
`

describe('parseProcStatus', () => {
  it('reads resident, peak, anonymous and file memory in bytes', () => {
    expect(parseProcStatus(STATUS)).toEqual({ rss: 300000 * 1024, peak: 412000 * 1024, anon: 250000 * 1024, file: 50000 * 1024 })
  })

  it('fails naming a missing field instead of reading it as zero', () => {
    expect(() => parseProcStatus(STATUS.replace(/VmHWM.*\n/, ''))).toThrow(/VmHWM/)
  })

  it('reads this process', () => {
    const m = processMemory(process.pid)
    expect(m.rss).toBeGreaterThan(0)
    expect(m.peak).toBeGreaterThanOrEqual(m.rss)
  })
})

describe('residentOfMappingSized', () => {
  const mapping = (size: number, rss: number) => `7f0000000000-7f0000100000 rw-p 00000000 00:00 0
Size:             ${size} kB
KernelPageSize:        4 kB
MMUPageSize:           4 kB
Rss:              ${rss} kB
Pss:              ${rss} kB
`
  it('finds the resident part of the one mapping of that size', () => {
    expect(residentOfMappingSized(mapping(8, 8) + mapping(131072, 40000), 131072 * 1024)).toBe(40000 * 1024)
  })

  it('answers null when no mapping or several have that size', () => {
    expect(residentOfMappingSized(mapping(8, 8), 131072 * 1024)).toBeNull()
    expect(residentOfMappingSized(mapping(64, 8) + mapping(64, 4), 64 * 1024)).toBeNull()
  })
})
