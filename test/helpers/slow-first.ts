import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The files that take longest, a quarter of a minute to a minute each with their setup, longest first (the mean of three
 * fresh-clone runs on a 2-core machine, 30 Nov 2026; see docs/testing.md). They start first, so the workers end together
 * instead of one of them running a long file alone at the end of the run.
 */
export const SLOWEST_FILES = [
  'test/api/hostile-input.test.ts',
  'test/registry/cross-tenant.test.ts',
  'test/core/backup/restore.test.ts',
  'test/core/backup/before-migrations.test.ts',
  'test/registry/approval-binding.test.ts',
  'test/console/every-page.test.ts',
  'test/cli/crm.test.ts',
  'test/cli/npm-start.test.ts',
  'test/registry/output.test.ts',
  'test/console/import-background.test.ts',
  'test/cli/backup.test.ts',
  'test/registry/customer-text-declared-pglite.test.ts',
  'test/cli/doctor.test.ts',
  'test/core/backup/s3.test.ts',
  'test/registry/customer-text-declared-postgres.test.ts',
  'test/demo/demo-command.test.ts',
  'test/core/backup/failed-restore.test.ts',
  'test/cli/upgrade-backup.test.ts',
  'test/console/technician-browser.test.ts',
  'test/cli/business-choice.test.ts',
  'test/core/db/pglite-thread.test.ts',
  'test/core/backup/archive-formats.test.ts',
  'test/jobs/worker-processes.test.ts',
  'test/demo/load-demo.test.ts',
  'test/core/backup/consistency.test.ts',
  'test/registry/customer-text-corpus-postgres.test.ts',
  'test/core/db/migrate.test.ts',
  'test/core/backup/refusals.test.ts',
  'test/cli/import.test.ts',
  'test/registry/customer-text-corpus-pglite.test.ts',
]

/**
 * The files that mostly wait on purpose (a provider's limit per second, a Retry-After, a lease or a timeout running out),
 * longest first. Each starts right after one of SLOWEST_FILES: while one worker waits the other computes, and two of
 * them seldom wait side by side, which left both cores idle.
 */
export const WAITING_FILES = [
  'test/faults/worker.test.ts',
  'test/jobs/delivery-pacing.test.ts',
  'test/console/technician-offline-browser.test.ts',
  'test/faults/email.test.ts',
  'test/faults/many-processes.test.ts',
  'test/clients/quickbooks-limits.test.ts',
  'test/clients/shared-send-pacer.test.ts',
  'test/faults/server.test.ts',
]

/** SLOWEST_FILES with WAITING_FILES between them, one after each, in the order the run starts them. */
export const FIRST_FILES = SLOWEST_FILES.flatMap((slow, i) => (i < WAITING_FILES.length ? [slow, WAITING_FILES[i]] : [slow]))

/** Vitest's own order (the durations of the last run when it has them, otherwise larger files first), FIRST_FILES moved to the front. */
export default class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const rank = (spec: TestSpecification) => {
      const i = FIRST_FILES.findIndex((f) => spec.moduleId.endsWith(`/${f}`))
      return i === -1 ? FIRST_FILES.length : i
    }
    // Array.prototype.sort is stable: files of equal rank keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b))
  }
}
