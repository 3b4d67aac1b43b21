import { setFlagsFromString } from 'node:v8'
import { DataDirInUse } from '../core/db/data-dir-lock.js'
import { setLogLevel } from '../core/kernel/log.js'
import type { Command } from './command.js'
import { COMMANDS } from './commands.js'

/** The help text listing every command. */
export function usage(): string {
  const lines = COMMANDS.map((c) => `  crm ${c.name} ${c.args}\n      ${c.summary}`)
  return [
    'Usage: crm <command> [options]',
    '',
    'Operator commands for Service CRM. They use the same configuration as the server:',
    'CRM_DATA_DIR (folder of the embedded database, default ./data) or DATABASE_URL (a PostgreSQL server).',
    '',
    'Commands:',
    ...lines,
    '  crm help',
    '      Show this text (crm <command> --help shows one command)',
    '',
    'With --json a command prints one line of JSON on stdout and nothing else; when it fails, that line is the error:',
    '{"code": "VALIDATION_ERROR", "message": "...", "field": "--tenant"} (field only when one option or setting is at fault).',
    'Exit codes: 0 done, 1 failed (the reason is on stderr, or on stdout with --json), 2 wrong usage.',
  ].join('\n')
}

/** What one run printed and how it ended. */
export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs one command line (without "node crm"); never throws: every failure becomes a message and an exit code. */
export async function runCli(argv: string[]): Promise<CliResult> {
  if (!argv.length || ['help', '--help', '-h'].includes(argv[0])) return { code: 0, stdout: usage(), stderr: '' }
  const command = COMMANDS.find((c) => c.name.split(' ').every((word, i) => argv[i] === word))
  if (!command) {
    const words = argv
      .slice(0, 2)
      .filter((w) => !w.startsWith('-'))
      .join(' ')
    return { code: 2, stdout: '', stderr: `crm: unknown command '${words || argv[0]}'\n\n${usage()}` }
  }
  const rest = argv.slice(command.name.split(' ').length)
  if (rest.includes('--help') || rest.includes('-h'))
    return { code: 0, stdout: `Usage: crm ${command.name} ${command.args}\n  ${command.summary}`, stderr: '' }
  if (!command.runsUntilStopped) compileForQuickStart()
  try {
    return { code: 0, stdout: await command.run(rest), stderr: '' }
  } catch (err) {
    // Loaded on a failure only: what reads one imports the archive's and the database's errors.
    const [{ ReportsFailure }, { failureJson, failureOf, wantsJson }] = await Promise.all([import('./command.js'), import('./failure.js')])
    if (err instanceof ReportsFailure) return { code: 1, stdout: err.stdout, stderr: '' }
    const message = err instanceof DataDirInUse ? turnedAway(err, command) : err instanceof Error ? err.message : String(err)
    const failure = failureOf(err, message)
    // With --json the error takes the place of the answer on stdout, so a script reads either from the same stream.
    if (wantsJson(command, rest)) return { code: failure.exit, stdout: failureJson(failure), stderr: '' }
    if (failure.exit === 2) {
      return { code: 2, stdout: '', stderr: `crm ${command.name}: ${message}\nUsage: crm ${command.name} ${command.args}` }
    }
    return { code: 1, stdout: '', stderr: `crm ${command.name}: ${failure.message}` }
  }
}

/**
 * Has V8 run the embedded engine's WebAssembly with its baseline compiler only. A command is over in a second or two, too
 * soon for the optimizing compiler's work on the engine's hot functions to pay back: this saves about a third of a
 * command's CPU on the embedded engine (docs/testing.md). Set before the database opens, which compiles the module.
 */
function compileForQuickStart(): void {
  setFlagsFromString('--liftoff-only')
}

/** Why a command could not open the embedded data folder, and where the server that holds it does the same, when it is one. */
function turnedAway(err: DataDirInUse, command: Command): string {
  const { url, pid } = err.holder
  if (!url || !command.page) return err.message
  return (
    `The server at ${url} (process ${pid}) holds the data folder ${err.dataDir}, and the embedded database serves one process at a time: ` +
    `${command.page.does} on its page ${url}${command.page.path} instead, signed in as the owner. Or stop the server and run this again, ` +
    'or run both on a PostgreSQL server (DATABASE_URL).'
  )
}

// The command's own output is the only thing on stdout, so --json can be piped; logs would get in the way.
setLogLevel('silent')
const result = await runCli(process.argv.slice(2))
if (result.stdout) process.stdout.write(`${result.stdout}\n`)
if (result.stderr) process.stderr.write(`${result.stderr}\n`)
process.exitCode = result.code
