import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { lockDataDir } from '../../../core/db/data-dir-lock.js'
import { compileForNode, runNode } from '../../helpers/node-process.js'

const folders: string[] = []
afterAll(() => {
  for (const f of folders) rmSync(f, { recursive: true, force: true })
})

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'crm-lock-'))
  folders.push(dir)
  return dir
}

describe('the data folder lock', () => {
  it('lets exactly one of four processes claiming at the same instant open the folder; the others are told who holds it', async () => {
    const script = compileForNode(join(dirname(new URL(import.meta.url).pathname), 'claim-process.ts'))
    folders.push(dirname(dirname(dirname(dirname(script)))))
    const dataDir = scratch()
    // Far enough ahead that all four are loaded and waiting when it comes.
    const at = String(Date.now() + 3_000)
    const runs = await Promise.all([0, 1, 2, 3].map(() => runNode(script, [dataDir, at])))
    for (const run of runs) expect(run.code, run.stderr).toBe(0)
    const outcomes = runs.map((r) => r.stdout)
    expect(
      outcomes.filter((o) => o === 'claimed'),
      outcomes.join('\n'),
    ).toHaveLength(1)
    for (const refused of outcomes.filter((o) => o !== 'claimed'))
      expect(refused).toMatch(/^refused: The data folder .* (is in use by process \d+|another process is claiming it)/)
    expect(existsSync(join(dataDir, 'crm.lock'))).toBe(false)
  }, 60_000)

  it('takes over a claim left by a process that is gone, and a lock file cut short by a crash', () => {
    const dataDir = scratch()
    const file = join(dataDir, 'crm.lock')
    // A pid above Linux's largest is never alive.
    const gone = JSON.stringify({ pid: 2 ** 22 + 1, purpose: 'server', since: '2026-01-01T00:00:00Z' })
    for (const left of [gone, '{"pid": 12']) {
      writeFileSync(file, left)
      const lock = lockDataDir(dataDir, 'test')
      expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid)
      lock.release()
      expect(existsSync(file)).toBe(false)
    }
  })
})
