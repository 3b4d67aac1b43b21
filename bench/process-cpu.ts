import { readFileSync } from 'node:fs'

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100

/** User plus system CPU milliseconds of a /proc/<pid>/stat text (whose second field, the name, may hold spaces). */
export function parseProcStatCpuMs(text: string): number {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  // After the name: state is field 3, utime field 14, stime field 15.
  const utime = Number(fields[14 - 3])
  const stime = Number(fields[15 - 3])
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('/proc stat has no CPU times')
  return ((utime + stime) * 1000) / TICKS_PER_SECOND
}

/** CPU milliseconds process pid has used since it started (Linux only). */
export function processCpuMs(pid: number): number {
  return parseProcStatCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'))
}
