import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { PgliteUse } from './pglite.js'
import type { ThreadOptions, ThreadReply, ThreadRequest } from './pglite-thread-protocol.js'

/** Where an embedded engine runs, seen from the server: it is sent requests, answers them, and may fail or end. */
export interface PgliteHost {
  send(request: ThreadRequest): void
  onReply(fn: (reply: ThreadReply) => void): void
  onError(fn: (err: Error) => void): void
  onExit(fn: () => void): void
  /** Stops it at once; resolves once it is gone. */
  terminate(): Promise<void>
}

/**
 * A thread that makes one pass over a copy keeps a small young generation: its JavaScript only hands rows through, and
 * each pass's garbage would otherwise grow the heap by tens of megabytes at the backup's peak.
 */
const ONE_PASS_YOUNG_GENERATION_MB = 4

/**
 * Starts the engine at `entry` for its use: serving, in a worker thread of the server (requests cross no process, and a
 * heartbeat in shared memory tells a statement that never ends); one pass over a copy (a backup's snapshot, its
 * verification), in a process of its own, whose memory all goes back to the system when it ends: a thread's WASM heap
 * and code leave the server's own memory over a hundred megabytes larger after each backup.
 */
export function startPgliteHost(entry: URL, options: ThreadOptions, use: PgliteUse | undefined): PgliteHost {
  return use === 'one pass' ? processHost(entry, options) : threadHost(entry, options)
}

function threadHost(entry: URL, options: ThreadOptions): PgliteHost {
  const worker = new Worker(entry, {
    workerData: options,
    execArgv: [],
    transferList: options.loadDataDir ? [options.loadDataDir] : [],
  })
  return {
    send: (request) => worker.postMessage(request),
    onReply: (fn) => worker.on('message', fn),
    onError: (fn) => worker.on('error', fn),
    onExit: (fn) => worker.on('exit', () => fn()),
    terminate: async () => {
      await worker.terminate()
    },
  }
}

function processHost(entry: URL, options: ThreadOptions): PgliteHost {
  // V8's young generation is three semi-spaces: 1 MB semi-spaces match the threads' 4 MB young generation.
  const child = fork(fileURLToPath(entry), [], {
    execArgv: [`--max-semi-space-size=${Math.max(1, Math.floor(ONE_PASS_YOUNG_GENERATION_MB / 3))}`],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // A heartbeat lives in memory shared with a thread only; a process's statements are not limited.
  const { heartbeat: _, ...sent } = options
  child.send(sent)
  return {
    send: (request) => child.send(request),
    onReply: (fn) => child.on('message', (msg) => fn(msg as ThreadReply)),
    onError: (fn) => child.on('error', fn),
    onExit: (fn) => child.once('exit', () => fn()),
    terminate: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}
