import { spawn } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../..')

// A demonstration that costs a nested vitest run, so it runs only on request: CRM_TEST_BOUND_DEMO=1 npm test.
describe.runIf(process.env.CRM_TEST_BOUND_DEMO === '1')('the per-file bound', () => {
  it('ends a file whose worker never yields, names it, fails the run, and lets the other files finish, a long one too', async () => {
    const started = Date.now()
    const run = await new Promise<{ code: number | null; out: string }>((done) => {
      const child = spawn(
        process.execPath,
        [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(here, 'file-bound-fixtures/vitest.config.ts')],
        { cwd: root, env: { ...process.env, CRM_TEST_FILE_SECONDS: '3', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let out = ''
      child.stdout.on('data', (d) => (out += d))
      child.stderr.on('data', (d) => (out += d))
      child.on('close', (code) => done({ code, out }))
    })
    expect(run.code, run.out).toBe(1)
    expect(run.out).toMatch(/blocks\.fixture\.ts made no progress for 3 s \(CRM_TEST_FILE_SECONDS\); ending its worker \(pid \d+\)/)
    expect(run.out).toContain('Ended after 3 s without progress: blocks.fixture.ts')
    expect(run.out).toMatch(/✓ passes\.fixture\.ts/)
    expect(run.out).toMatch(/✓ progresses\.fixture\.ts \(4 tests\)/)
    expect(run.out).not.toMatch(/progresses\.fixture\.ts made no progress/)
    expect(Date.now() - started).toBeLessThan(60_000)
  }, 90_000)
})
