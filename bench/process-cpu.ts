import { readFileSync } from 'node:fs'

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100

/**
 * User plus system CPU milliseconds of a /proc/<pid>/stat text (whose second field, the name, may hold spaces); with
 * `children`, those of its exited children too (a server's ended connections).
 */
export function parseProcStatCpuMs(text: string, children = false): number {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  // After the name: state is field 3, utime field 14, stime 15, cutime 16, cstime 17.
  const times = fields.slice(14 - 3, (children ? 17 : 15) - 2).map(Number)
  if (!times.every(Number.isFinite) || times.length < 2) throw new Error('/proc stat has no CPU times')
  return (times.reduce((a, b) => a + b, 0) * 1000) / TICKS_PER_SECOND
}

/** CPU milliseconds process pid has used since it started (Linux only). */
export function processCpuMs(pid: number): number {
  return parseProcStatCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'))
}
