import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'
import SlowFirst from './test/helpers/slow-first.js'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Each worker notes which file it runs, so the file bound (a reporter in the main process) can end a blocked one.
    // With CRM_TEST_CPU_LOG set, each file's CPU seconds are written there too (test/helpers/file-cpu.ts).
    setupFiles: ['test/helpers/file-bound-worker.ts', ...(process.env.CRM_TEST_CPU_LOG ? ['test/helpers/file-cpu.ts'] : [])],
    reporters: ['default', './test/helpers/summary-reporter.ts', './test/helpers/file-bound.ts'],
    // One JSON line per request would drown the test output; tests that check logging turn it on themselves.
    env: { LOG_LEVEL: 'silent' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // A worker's young generation twice V8's default: the embedded engine's glue allocates a buffer per message, and fewer
    // collections promote less. test/domains/{contacts,invoices,tickets} and test/api on both engines: 4% less CPU.
    // And the embedded engine's code compiled as the product compiles it by default (baseline only, core/db/engine-code.ts):
    // V8's optimizing tier compiled its hot functions again in every engine thread a file opened, in the background.
    // Seven files of the embedded engine, alternated twice: 109.0 and 87.2 CPU s with it, 93.1 and 74.0 without.
    execArgv: ['--max-semi-space-size=32', '--liftoff-only'],
    // A worker runs file after file in one module cache: the product's modules are loaded once per worker instead of once
    // per file, which was most of a small file's time. Every file still makes its own database, app and clients.
    isolate: false,
    fileParallelism: true,
    sequence: { sequencer: SlowFirst },
    // One worker more than cores: many files wait on a process, a browser or a provider's clock, and a third worker uses
    // that time. The whole suite on 2 cores with TEST_DATABASE_URL: 807 s with two workers, 734 s with three.
    maxWorkers: availableParallelism() + 1,
  },
})
