import { parseArgs } from 'node:util'
import type { z } from 'zod'
import type { Services } from '../core/kernel/context.js'
import { PERSONAL_DATA } from '../core/domains/personal-data.js'
import { loadConfig, type Config } from '../core/kernel/config.js'
import type { Database } from '../core/db/types.js'
import { AppError, validationError, type FieldIssue } from '../core/kernel/errors.js'
import { openMigratedDatabase, type OpenedDatabase } from '../core/kernel/runtime.js'
import { parseInput } from '../core/kernel/validation.js'

/** One operator command: how it is called, what it does, and the text it prints on success. */
export interface Command {
  /** The words that select it, such as "token create". */
  name: string
  /** The arguments after the name, as shown in the usage text; a command that lists `[--json]` prints its errors as JSON with it. */
  args: string
  summary: string
  /**
   * The owner's console page that does the same, and what the owner does there: pointed to when the server holds the
   * embedded data folder, since the command cannot open it then.
   */
  page?: { path: string; does: string }
  /** Serves until stopped (`worker`, `mcp`); every other command is over in seconds. */
  runsUntilStopped?: boolean
  run(argv: string[]): Promise<string>
}

/** The command was called wrongly (unknown option, missing argument): usage is shown and the exit code is 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The option or argument that was wrong (`--tenant`, `FILE`), when it is one. */
    readonly field?: string,
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

/**
 * The command ran, and what it printed says something failed (`doctor` found a failing item): the text goes to stdout all
 * the same, and the exit code is 1.
 */
export class ReportsFailure extends Error {
  constructor(readonly stdout: string) {
    super('the report names a failure')
    this.name = 'ReportsFailure'
  }
}

/** Declares the options of a command: each long name and whether it takes a value. */
export type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>

/** What parsing found: option values by name and the positional arguments. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
}

/** Parses argv against the command's options; mistakes become a UsageError naming the option. */
export function parseCommandArgs(
  argv: string[],
  options: OptionSpec,
  shape: { required?: string[]; positionals?: string[] } = {},
): ParsedArgs {
  let parsed: ParsedArgs
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true }) as ParsedArgs
  } catch (err) {
    // node's messages carry a long hint after the first sentence; the first sentence names the option.
    const message = err instanceof Error ? err.message.split(/\.\s/)[0].replace(/\.$/, '') : String(err)
    throw new UsageError(message, /'(--?[A-Za-z][\w-]*)/.exec(message)?.[1])
  }
  const wanted = shape.positionals ?? []
  if (parsed.positionals.length > wanted.length) {
    throw new UsageError(`Unexpected argument '${parsed.positionals[wanted.length]}'`)
  }
  if (parsed.positionals.length < wanted.length) {
    throw new UsageError(`${wanted[parsed.positionals.length]} is required`, wanted[parsed.positionals.length])
  }
  for (const name of shape.required ?? []) {
    if (parsed.values[name] === undefined) throw new UsageError(`--${name} is required`, `--${name}`)
  }
  return parsed
}

/** Validates input with a schema; failures name the command-line option of each field instead of the field. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, optionOf: Record<string, string>): z.output<S> {
  try {
    return parseInput(schema, input, '')
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'VALIDATION_ERROR') throw err
    const issues = (err.details?.issues ?? []) as FieldIssue[]
    throw validationError(issues.map((i) => ({ field: optionOf[i.field] ?? i.field, message: i.message })))
  }
}

/** Runs fn over the configured database (CRM_DATA_DIR or DATABASE_URL), migrated, and always lets go of it. */
export async function withDatabase<T>(purpose: string, fn: (db: Database, opened: OpenedDatabase) => Promise<T>): Promise<T> {
  const opened = await openMigratedDatabase(loadConfig(), `cli ${purpose}`, PERSONAL_DATA)
  try {
    return await fn(opened.db, opened)
  } finally {
    await opened.close()
  }
}

/**
 * The product's services over an open database, as the server makes them. Loaded when a command first asks for them: the
 * registry of every domain behind them is most of a command's start, and `crm token`, `crm tenant` and `crm migrate` do
 * without it (test/cli/command-loading.test.ts keeps it so).
 */
export async function productServices(db: Database, config: Config = loadConfig()): Promise<Services> {
  const { createServices } = await import('../api/product.js')
  return createServices(config, db)
}

/** Where the configured data lives, in words, without secrets from DATABASE_URL. */
export function describeDatabase(): string {
  const config = loadConfig()
  if (!config.databaseUrl) return `the embedded database in ${config.dataDir}`
  try {
    const url = new URL(config.databaseUrl)
    return `the PostgreSQL database ${url.pathname.replace(/^\//, '') || '(default)'} on ${url.hostname || 'localhost'}`
  } catch {
    return 'the PostgreSQL server of DATABASE_URL'
  }
}
