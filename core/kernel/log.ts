import { startingLogLevel } from './config.js'

/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

const ORDER = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const
let threshold: number = ORDER[startingLogLevel()]

let stream: NodeJS.WritableStream = process.stdout

/** Sends log lines to another stream (stderr when stdout carries a protocol, as MCP over stdio does). */
export function setLogStream(to: NodeJS.WritableStream): void {
  stream = to
}

/** Sets the lowest level written. */
export function setLogLevel(level: keyof typeof ORDER): void {
  threshold = ORDER[level]
}

/** Writes one structured JSON line to stdout. */
export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  if (ORDER[level] < threshold) return
  stream.write(`${JSON.stringify({ ts: new Date().toISOString(), level, msg, ...fields })}\n`)
}
