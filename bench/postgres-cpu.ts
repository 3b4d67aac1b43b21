import { readdirSync, readFileSync } from 'node:fs'
import { parseProcStatCpuMs } from './process-cpu.js'

/**
 * CPU milliseconds spent so far by the PostgreSQL server processes on this machine (user and system, the exited ones'
 * included through the postmaster), or undefined where /proc cannot tell (another system, or a server elsewhere).
 */
export function postgresCpuMs(): number | undefined {
  let total = 0
  let found = false
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue
      let stat: string
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
      } catch {
        continue
      }
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue
      total += parseProcStatCpuMs(stat, true)
      found = true
    }
  } catch {
    return undefined
  }
  return found ? total : undefined
}

/** The PostgreSQL server's CPU milliseconds since `before` (postgresCpuMs), or undefined where it cannot be read. */
export function spentSince(before: number | undefined): number | undefined {
  const after = postgresCpuMs()
  return before === undefined || after === undefined ? undefined : after - before
}
