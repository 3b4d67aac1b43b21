import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { pgliteTemplatePath } from './template.js'

/**
 * Unpacks the run's migrated PGlite template (a tar of the data folder) into dataDir, which is then a data folder as the
 * product leaves it after migrating; answers dataDir. For a process that needs a migrated folder but does not test the
 * first start: it saves an initdb and the migrations, seconds on a busy machine.
 */
export function unpackMigratedDataDir(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true })
  const tar = spawnSync('tar', ['-xf', pgliteTemplatePath, '-C', dataDir], { encoding: 'utf8' })
  // GNU tar notes on stderr that it drops the leading '/' of the dump's names: only the exit status tells a failure.
  if (tar.status !== 0) throw new Error(`Could not unpack ${pgliteTemplatePath} into ${dataDir}: ${tar.stderr || tar.error}`)
  return dataDir
}
