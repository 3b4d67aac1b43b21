import { rmSync } from 'node:fs'

/**
 * Removes a test's temporary folder and all it holds. Retried: once a server, the CLI or the embedded engine has used the
 * folder, removing it on a busy machine can meet ENOTEMPTY while the last of their files are closed.
 */
export function removeFolder(path: string): void {
  rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
}
