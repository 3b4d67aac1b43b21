import { readdirSync, readFileSync } from 'node:fs'

/** A process's memory as the kernel counts it, in bytes. */
export interface ProcessMemory {
  /** Resident now (VmRSS). */
  rss: number
  /** The highest resident size since the process started (VmHWM). */
  peak: number
  /** Resident anonymous memory (heaps, the WASM heap), apart from mapped files. */
  anon: number
  /** Resident pages of mapped files (the node binary, shared libraries). */
  file: number
}

/** Reads the memory fields of a /proc/<pid>/status text; a missing field is an error, never a zero. */
export function parseProcStatus(text: string): ProcessMemory {
  const kb = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(text)
    if (!m) throw new Error(`/proc status has no ${field} line`)
    return Number(m[1]) * 1024
  }
  return { rss: kb('VmRSS'), peak: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') }
}

/** The memory of process pid now (Linux only). */
export function processMemory(pid: number): ProcessMemory {
  return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'))
}

/** The processes pid started and those they started, at any depth (Linux only). */
export function descendants(pid: number): number[] {
  const children: number[] = []
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const listed = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim()
      if (listed) children.push(...listed.split(/\s+/).map(Number))
    } catch {
      /* the thread ended meanwhile */
    }
  }
  return children.flatMap((child) => [child, ...descendants(child)])
}

/**
 * The resident bytes of pid and every process it started, as the machine must hold them (a page shared by two of them
 * is counted twice, so this errs high); a process that ends meanwhile counts nothing.
 */
export function treeResident(pid: number): number {
  let total = processMemory(pid).rss
  for (const child of descendants(pid)) {
    try {
      total += processMemory(child).rss
    } catch {
      /* it ended */
    }
  }
  return total
}

/** The resident kilobytes of the one mapping of exactly `sizeBytes` in a /proc/<pid>/smaps text, or null when none or several match. */
export function residentOfMappingSized(smaps: string, sizeBytes: number): number | null {
  const sizes = [...smaps.matchAll(/^Size:\s+(\d+) kB\nKernelPageSize:[^\n]*\nMMUPageSize:[^\n]*\nRss:\s+(\d+) kB$/gm)]
  const matching = sizes.filter((m) => Number(m[1]) * 1024 === sizeBytes)
  return matching.length === 1 ? Number(matching[0][2]) * 1024 : null
}

/**
 * Samples a process's resident size (or another measure of it, such as treeResident) every intervalMs until stopped;
 * stop() returns the highest sample.
 */
export function sampleResidentPeak(pid: number, intervalMs = 200, measure = (p: number) => processMemory(p).rss): { stop(): number } {
  let highest = measure(pid)
  const timer = setInterval(() => {
    try {
      highest = Math.max(highest, measure(pid))
    } catch {
      /* the process ended; the last sample stands */
    }
  }, intervalMs)
  return {
    stop() {
      clearInterval(timer)
      try {
        highest = Math.max(highest, measure(pid))
      } catch {
        /* as above */
      }
      return highest
    },
  }
}

/** Bytes as whole megabytes (MiB), for tables. */
export function megabytes(bytes: number): string {
  return (bytes / 1048576).toFixed(0)
}
