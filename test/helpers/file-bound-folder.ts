import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Where the workers of the vitest process with this pid note which test file each of them runs. */
export function workersFolder(vitestPid: number): string {
  return join(tmpdir(), `crm-test-workers-${vitestPid}`)
}
