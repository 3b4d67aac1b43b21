import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { relative } from 'node:path'
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node'
import { workersFolder } from './file-bound-folder.js'

/** How long a test file may go without a test starting or finishing, in seconds, unless CRM_TEST_FILE_SECONDS says otherwise. */
export const DEFAULT_FILE_SECONDS = 300

/**
 * Ends a test file that makes no progress for longer than the bound, naming it. It lives in the main vitest process
 * because a worker blocked in a synchronous call (an embedded-database query that never returns) cannot fire its own
 * timers: the worker is killed, vitest reports the file as failed and the run goes on with the other files. Progress,
 * not total time, is bounded, so a long file on a busy machine is left alone while each of its tests keeps its timeout.
 */
export default class FileBound implements Reporter {
  private readonly limitMs = Number(process.env.CRM_TEST_FILE_SECONDS ?? DEFAULT_FILE_SECONDS) * 1000
  private readonly folder = workersFolder(process.pid)
  /** Running files and when each last started or finished a test. */
  private readonly started = new Map<string, number>()
  /** Files ended for overrunning, by their path relative to the root. */
  private readonly ended = new Set<string>()
  private root = process.cwd()
  private timer?: NodeJS.Timeout

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root
    rmSync(this.folder, { recursive: true, force: true })
    this.timer = setInterval(() => this.check(), Math.min(1000, this.limitMs / 4))
    this.timer.unref()
  }

  onTestModuleQueued(mod: TestModule): void {
    this.started.set(mod.moduleId, Date.now())
  }

  onTestCaseReady(test: TestCase): void {
    this.progressed(test)
  }

  onTestCaseResult(test: TestCase): void {
    this.progressed(test)
  }

  onTestModuleEnd(mod: TestModule): void {
    this.started.delete(mod.moduleId)
  }

  onTestRunEnd(): void {
    clearInterval(this.timer)
    rmSync(this.folder, { recursive: true, force: true })
    if (this.ended.size) {
      process.stderr.write(`\nEnded after ${this.limitMs / 1000} s without progress: ${[...this.ended].join(', ')}\n`)
      process.exitCode = 1
    }
  }

  private progressed(test: TestCase): void {
    if (this.started.has(test.module.moduleId)) this.started.set(test.module.moduleId, Date.now())
  }

  private check(): void {
    const now = Date.now()
    for (const [file, since] of this.started) {
      const name = relative(this.root, file)
      if (now - since < this.limitMs || this.ended.has(name)) continue
      this.ended.add(name)
      const pid = this.workerOf(file)
      process.stderr.write(
        `\n${name} made no progress for ${this.limitMs / 1000} s (CRM_TEST_FILE_SECONDS); ` +
          `${pid ? `ending its worker (pid ${pid})` : 'its worker is unknown, ending the run'}\n`,
      )
      if (pid) process.kill(pid, 'SIGKILL')
      else process.exit(1)
    }
  }

  /** The live worker process that noted this file last. */
  private workerOf(file: string): number | undefined {
    let names: string[] = []
    try {
      names = readdirSync(this.folder)
    } catch {
      return undefined
    }
    for (const name of names) {
      const pid = Number(name)
      try {
        if (readFileSync(`${this.folder}/${name}`, 'utf8') !== file) continue
        process.kill(pid, 0)
        return pid
      } catch {
        // The worker has exited since; another one may hold the file now.
      }
    }
    return undefined
  }
}
