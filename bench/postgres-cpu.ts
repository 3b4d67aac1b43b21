import { readdirSync, readFileSync } from 'node:fs'

/**
 * CPU milliseconds spent so far by the PostgreSQL server processes on this machine (user and system, the exited ones'
 * included through the postmaster), or undefined where /proc cannot tell (another system, or a server elsewhere).
 */
export function postgresCpuMs(): number | undefined {
  let ticks = 0
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
      const close = stat.lastIndexOf(')')
      const comm = stat.slice(stat.indexOf('(') + 1, close)
      if (comm !== 'postgres') continue
      const f = stat.slice(close + 2).split(' ')
      // Fields 14 to 17 of stat (utime, stime, cutime, cstime) are 11 to 14 after the name.
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
      found = true
    }
  } catch {
    return undefined
  }
  return found ? (ticks * 1000) / 100 : undefined
}
