/** No connection to the database could be made: refused, not accepting connections, starting up, timed out, or not allowed. */
export class DatabaseUnreachableError extends Error {
  /** The SQLSTATE or system error code of the failed connection, when there was one. */
  readonly code?: string

  constructor(cause: unknown) {
    super(`Could not connect to the database: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.name = 'DatabaseUnreachableError'
    this.code = (cause as { code?: string } | null)?.code
  }
}

/** System error codes of a connection or server that is down or going away. */
const OUTAGE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])

/** SQLSTATE classes of a lost connection (08), exhausted resources (53) and a server stopping, starting or cancelling (57). */
const OUTAGE_SQLSTATE_CLASSES = ['08', '53', '57']

/** What node-postgres and PGlite say when a connection ends, never opens, or stops answering. */
const OUTAGE_MESSAGES = new RegExp(
  [
    'Connection terminated',
    'connection timeout',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error',
    'Cannot use a pool after calling end',
    'PGlite is closed',
    'Query read timeout',
    'not currently accepting connections',
  ].join('|'),
  'i',
)

/** Whether an error says the database is down, unreachable or not answering, rather than that something is wrong with the request. */
export function isDatabaseOutage(err: unknown): boolean {
  if (err instanceof DatabaseUnreachableError) return true
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string') {
    if (OUTAGE_NODE_CODES.has(code)) return true
    if (code.length === 5 && OUTAGE_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return true
  }
  return OUTAGE_MESSAGES.test(err.message)
}
