import { spawnSync } from 'node:child_process'
import { relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../core/kernel/config.js'
import { DEMO_DATA_DIR } from '../../core/demo/names.js'
import { root } from '../helpers/build.js'

/** The paths among `paths` (relative to the repository) that git would not ignore. */
function notIgnored(paths: string[]): string[] {
  const r = spawnSync('git', ['check-ignore', '--no-index', '--stdin'], { cwd: root, input: paths.join('\n'), encoding: 'utf8' })
  if (r.status === 128) throw new Error(r.stderr)
  const ignored = new Set(r.stdout.split('\n').filter(Boolean))
  return paths.filter((p) => !ignored.has(p))
}

describe('the folders a checkout writes business records into', () => {
  it('are ignored by git by default: the data folder, the backups, the demo folder and a folder set aside by a restore', () => {
    // Run from the repository as `npm start` is: every default is relative to it.
    const config = loadConfig({})
    const written = [
      config.dataDir,
      config.backup.dir,
      `${config.dataDir}.replaced-20261125T023000Z`,
      DEMO_DATA_DIR,
      `${DEMO_DATA_DIR}.replaced-20261125T023000Z`,
    ].map((dir) => `${relative(root, dir) || '.'}/PG_VERSION`)
    expect(written.every((p) => !p.startsWith('..'))).toBe(true)
    expect(notIgnored(written)).toEqual([])
  })

  it('and the product’s own files are not', () => {
    expect(notIgnored(['core/backup/make.ts', 'docs/backups.md', 'test/helpers/backups.ts', 'deploy/env.example'])).toHaveLength(4)
  })
})
