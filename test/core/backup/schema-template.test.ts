import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migratedTemplate } from '../../../core/backup/schema-template.js'
import { readMigrations } from '../../../core/db/migrate.js'

// The embedded engine alone: templates are embedded data folders whichever engine the business runs on.

/** A schema no other test makes a template of: the first migration alone, cheap to make. */
const FILES = readMigrations().slice(0, 1)

/** Puts a claim on the making of a template as another process's (the given pid) would leave it. */
function claimAs(template: string, pid: number): string {
  const lock = join(`${template}.making`, 'crm.lock')
  mkdirSync(`${template}.making`, { recursive: true })
  writeFileSync(lock, JSON.stringify({ pid, purpose: 'making a template for backups', since: new Date().toISOString() }))
  return lock
}

/** Runs fn, answering the folders in which a template was being made meanwhile (made beside it, then renamed). */
async function makingsDuring(template: string, fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = []
  const watcher = watch(dirname(template), (_event, name) => {
    if (name?.startsWith(`${basename(template)}.part-`) && !seen.includes(name)) seen.push(name)
  })
  try {
    await fn()
  } finally {
    watcher.close()
  }
  return seen
}

describe("a schema's template is made by one process at a time", () => {
  it('waits while a living process makes it, and takes over the claim of one that is gone', async () => {
    const template = await migratedTemplate(FILES, 'first start')
    rmSync(template, { recursive: true, force: true })

    // Another process is making it (this test's parent, alive): nothing is made here, the other's template is used.
    const held = claimAs(template, process.ppid)
    const waited = await makingsDuring(template, async () => {
      const waiting = migratedTemplate(FILES, 'first start')
      mkdirSync(template)
      writeFileSync(join(template, 'made-elsewhere'), '')
      await expect(waiting).resolves.toBe(template)
    })
    expect(waited).toEqual([])
    expect(readdirSync(template)).toEqual(['made-elsewhere'])
    expect(JSON.parse(readFileSync(held, 'utf8')).pid).toBe(process.ppid)

    // The process that claimed it stopped: the claim is taken over, the template made here, and the claim let go.
    rmSync(template, { recursive: true, force: true })
    const gone = spawnSync(process.execPath, ['-e', '0']).pid as number
    claimAs(template, gone)
    const made = await makingsDuring(template, async () => {
      await expect(migratedTemplate(FILES, 'first start')).resolves.toBe(template)
    })
    expect(made).toHaveLength(1)
    expect(existsSync(join(template, 'PG_VERSION'))).toBe(true)
    expect(existsSync(held)).toBe(false)
  })
})
