import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from './build.js'
import { FIRST_FILES, SLOWEST_FILES, WAITING_FILES } from './slow-first.js'

describe('the order the run starts its files in', () => {
  it('names files that exist, each once', () => {
    expect(FIRST_FILES.filter((f) => !existsSync(join(root, f)))).toEqual([])
    expect(new Set(FIRST_FILES).size).toBe(FIRST_FILES.length)
    expect(FIRST_FILES).toHaveLength(SLOWEST_FILES.length + WAITING_FILES.length)
  })

  it('starts each waiting file right after a file that computes', () => {
    expect(FIRST_FILES.slice(0, 4)).toEqual([SLOWEST_FILES[0], WAITING_FILES[0], SLOWEST_FILES[1], WAITING_FILES[1]])
    for (const waiting of WAITING_FILES) expect(SLOWEST_FILES).toContain(FIRST_FILES[FIRST_FILES.indexOf(waiting) - 1])
  })
})
