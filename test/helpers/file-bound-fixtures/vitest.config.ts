import { defineConfig } from 'vitest/config'

// A run of the fixture files with the per-file bound, as the suite runs its own files.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['*.fixture.ts'],
    setupFiles: ['../file-bound-worker.ts'],
    reporters: ['default', '../file-bound.ts'],
    pool: 'forks',
    maxWorkers: 3,
  },
})
