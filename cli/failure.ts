import { RestoreRefused } from '../core/backup/load.js'
import { ArchiveError } from '../core/backup/archive-error.js'
import { DataDirInUse } from '../core/db/data-dir-lock.js'
import { AppError, type ErrorCode } from '../core/kernel/errors.js'
import { UsageError, type Command } from './command.js'

/** Why a command failed, as its text and its `--json` output both say it. */
export interface Failure {
  /** 1: the command failed; 2: it was called wrongly. */
  exit: 1 | 2
  /** The API envelope's code for it. */
  code: ErrorCode
  /** One line: what went wrong and what to do. */
  message: string
  /** The option, argument or setting at fault (`--tenant`, `FILE`, `CRM_BACKUP_KEY`), when there is one. */
  field?: string
}

/**
 * Names a command's error in the API envelope's codes: the product's own errors keep theirs, the few other kinds a command
 * meets are named here, and anything else is INTERNAL. The message is the one the text output prints, on one line.
 */
export function failureOf(err: unknown, message: string): Failure {
  const line = message.replace(/\s*\n\s*/g, ' ')
  if (err instanceof UsageError) return withField({ exit: 2, code: 'VALIDATION_ERROR', message: line }, err.field)
  if (err instanceof AppError) return withField({ exit: 1, code: err.code, message: line }, fieldOf(err))
  if (err instanceof DataDirInUse || err instanceof RestoreRefused) return { exit: 1, code: 'CONFLICT', message: line }
  if (err instanceof ArchiveError) {
    const field = err.reason === 'wrong_key' ? 'CRM_BACKUP_KEY' : err.reason === 'damaged' ? undefined : 'FILE'
    return withField({ exit: 1, code: 'VALIDATION_ERROR', message: line }, field)
  }
  return { exit: 1, code: 'INTERNAL', message: line }
}

/** Whether this run asked a command that takes `--json` for it: then its errors are printed as JSON too. */
export function wantsJson(command: Command, argv: string[]): boolean {
  const end = argv.indexOf('--')
  return command.args.includes('[--json]') && (end < 0 ? argv : argv.slice(0, end)).includes('--json')
}

/** The one line of JSON a failed `--json` run prints on stdout, where its success would have been. */
export function failureJson(f: Failure): string {
  return JSON.stringify({ code: f.code, message: f.message, ...(f.field ? { field: f.field } : {}) })
}

/** The field an AppError names: its own, or that of its first issue (a validation error). */
function fieldOf(err: AppError): string | undefined {
  const own = err.details?.field
  if (typeof own === 'string') return own
  const issues = err.details?.issues
  const first = Array.isArray(issues) ? (issues[0] as { field?: unknown } | undefined)?.field : undefined
  return typeof first === 'string' ? first : undefined
}

function withField(f: Failure, field: string | undefined): Failure {
  return field ? { ...f, field } : f
}
