import { readdir, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Config } from '../kernel/config.js'
import { log } from '../kernel/log.js'

/**
 * How old a backup's working copy must be before another backup removes it: far longer than any backup runs, so one
 * running beside it (another installation's, sharing the folder) keeps its own.
 */
export const LEFTOVER_AGE_MS = 6 * 60 * 60 * 1000

/** What a backup that stopped part way (the server killed, the machine off) leaves behind, by folder. */
function leftoverPlaces(config: Pick<Config, 'dataDir' | 'backup'>): Array<{ dir: string; left: (name: string) => boolean }> {
  return [
    // The snapshot: a copy of the whole data folder, beside it.
    { dir: dirname(config.dataDir), left: (name) => name.startsWith('.crm-snapshot-') },
    // The verification's scratch database, and an archive not yet complete.
    { dir: config.backup.dir, left: (name) => name.startsWith('.verify-') || name.endsWith('.part') },
  ]
}

/** Removes the working copies earlier backups left behind, older than LEFTOVER_AGE_MS; answers the paths removed. */
export async function removeLeftovers(config: Pick<Config, 'dataDir' | 'backup'>, now: Date): Promise<string[]> {
  const removed: string[] = []
  for (const place of leftoverPlaces(config)) {
    const names = await readdir(place.dir).catch(() => [] as string[])
    for (const name of names.filter(place.left)) {
      const path = join(place.dir, name)
      const made = await stat(path).catch(() => null)
      if (!made || now.getTime() - made.mtime.getTime() < LEFTOVER_AGE_MS) continue
      await rm(path, { recursive: true, force: true })
      removed.push(path)
      log('warn', 'removed what an interrupted backup left', { path })
    }
  }
  return removed
}
