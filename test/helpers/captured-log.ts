import { Writable } from 'node:stream'
import { setLogLevel, setLogStream } from '../../core/kernel/log.js'

/** The product's log lines as a test reads them, from `start` until `stop`; `clear` forgets those read so far. */
export interface CapturedLog {
  lines: Array<Record<string, any>>
  start(): void
  clear(): void
  stop(): void
}

/** Captures the product's JSON log at level info and above, for a test that checks what was logged. */
export function capturedLog(): CapturedLog {
  const log: CapturedLog = {
    lines: [],
    start() {
      setLogStream(
        new Writable({
          write(chunk, _enc, done) {
            log.lines.push(JSON.parse(String(chunk)))
            done()
          },
        }),
      )
      setLogLevel('info')
    },
    clear() {
      log.lines.length = 0
    },
    stop() {
      setLogLevel('silent')
      setLogStream(process.stdout)
    },
  }
  return log
}
