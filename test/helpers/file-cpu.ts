import { appendFileSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect } from 'vitest'

// Runs in the worker before each test file when CRM_TEST_CPU_LOG names a file: appends one JSON line per test file with
// the CPU seconds its worker spent on it (user + system, every thread), the CPU of the processes it started and waited
// for (the CLI, the server), its seconds of wall time and when it ended. A file's CPU moves far less than its wall time on a busy machine.

/** CPU seconds of this process's ended children (user + system), from /proc; 0 where there is no /proc. */
function childCpuSeconds(): number {
  try {
    // The fields after the command's closing parenthesis start with the state (field 3): cutime is field 16, cstime 17.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
    return (Number(fields[13]) + Number(fields[14])) / 100
  } catch {
    return 0
  }
}

/** This process's CPU seconds (user + system, every thread). */
function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

let start = { cpu: 0, children: 0, at: 0 }

beforeAll(() => {
  start = { cpu: ownCpuSeconds(), children: childCpuSeconds(), at: Date.now() }
})

afterAll(() => {
  const file = (expect.getState().testPath ?? '').replace(`${process.cwd()}/`, '')
  const line = {
    file,
    cpu: +(ownCpuSeconds() - start.cpu).toFixed(2),
    children: +(childCpuSeconds() - start.children).toFixed(2),
    wall: +((Date.now() - start.at) / 1000).toFixed(2),
    // When the file ended (ms since the epoch): with the wall time it places the file in the run, to see when a core idled.
    ended: Date.now(),
  }
  appendFileSync(process.env.CRM_TEST_CPU_LOG as string, `${JSON.stringify(line)}\n`)
})
