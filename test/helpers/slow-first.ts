import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The files that take longest, half a minute to a minute each with their setup, longest first (measured on a 2-core
 * machine; see docs/testing.md). They start first, so the
 * workers end together instead of one of them running a long file alone at the end of the run. Vitest orders the rest:
 * by the durations of the last run when it has them, otherwise larger files first.
 */
export const SLOWEST_FILES = [
  'test/cli/crm.test.ts',
  'test/api/hostile-input.test.ts',
  'test/console/import-background.test.ts',
  'test/faults/worker.test.ts',
  'test/console/every-page.test.ts',
  'test/cli/business-choice.test.ts',
  'test/cli/npm-start.test.ts',
  'test/cli/import.test.ts',
  'test/demo/load-demo.test.ts',
  'test/faults/many-processes.test.ts',
  'test/registry/output.test.ts',
  'test/core/db/pglite-thread.test.ts',
  'test/registry/cross-tenant.test.ts',
  'test/demo/demo-command.test.ts',
]

/** Vitest's own order, with SLOWEST_FILES moved to the front. */
export default class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const rank = (spec: TestSpecification) => {
      const i = SLOWEST_FILES.findIndex((f) => spec.moduleId.endsWith(`/${f}`))
      return i === -1 ? SLOWEST_FILES.length : i
    }
    // Array.prototype.sort is stable: files of equal rank keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b))
  }
}
