import { relative } from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'

/** How many of the slowest files a run names at its end. */
const SLOWEST_SHOWN = 15

/** A file's wall time in seconds: its setup files, its import and collection, then its tests and hooks. */
export function fileSeconds(mod: TestModule): number {
  const d = mod.diagnostic()
  return (d.environmentSetupDuration + d.prepareDuration + d.setupDuration + d.collectDuration + d.duration) / 1000
}

/** The slowest files of a run, slowest first, each as "seconds  path" relative to the root. */
export function slowestFiles(testModules: ReadonlyArray<TestModule>, root: string, count = SLOWEST_SHOWN): string[] {
  return testModules
    .map((mod) => ({ seconds: fileSeconds(mod), path: relative(root, mod.moduleId) }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, count)
    .map(({ seconds, path }) => `${seconds.toFixed(1).padStart(7)} s  ${path}`)
}

/**
 * Ends every run with the slowest files and their wall seconds (the run lasts at least as long as its longest file), then
 * one plain line, "N passed, N failed, N skipped", that any CI can read.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
      // A file that failed to load has no tests to count but is a failure all the same.
      if (mod.state() === 'failed' && ![...mod.children.allTests()].some((t) => t.result().state === 'failed')) failed++
    }
    failed += unhandledErrors.length
    const slowest = slowestFiles(testModules, process.cwd())
    process.stdout.write(`\nSlowest files (wall seconds):\n${slowest.join('\n')}\n`)
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
