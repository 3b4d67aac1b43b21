import { processEnvironment } from '../core/kernel/config.js'
import { parseCommandArgs, ReportsFailure, type Command } from './command.js'
import type { CheckItem } from './doctor/item.js'
import { runDoctor } from './doctor/run.js'

/** How each status reads at the start of its line. */
const MARKS: Record<CheckItem['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', off: 'off ' }

/** `crm doctor`: checks the running deployment item by item and says what to fix; exit code 1 when an item fails. */
export const doctorCommand: Command = {
  name: 'doctor',
  args: '[--url URL] [--json]',
  summary:
    'Check the running deployment and say what to fix: the public https address and its certificate, the proxy, each webhook, ' +
    'the keys, the last verified backup and the archives in the backup folder, the clock, free disk, the database. Asks the server at --url (CRM_SERVER_URL, or http://HOST:PORT); ' +
    'exit code 1 when an item fails',
  async run(argv) {
    const { values } = parseCommandArgs(argv, { url: { type: 'string' }, json: { type: 'boolean' } })
    const checks = await runDoctor({ env: processEnvironment(), serverUrl: values.url as string | undefined })
    const failed = checks.some((c) => c.status === 'fail')
    const stdout = values.json ? JSON.stringify({ ok: !failed, checks }) : report(checks)
    if (failed) throw new ReportsFailure(stdout)
    return stdout
  },
}

/** One line per item, its fix indented under it, and a last line counting what needs doing. */
function report(checks: CheckItem[]): string {
  const lines = checks.flatMap((c) => [`${MARKS[c.status]}  ${c.check}: ${c.detail}`, ...(c.fix ? [`        fix: ${c.fix}`] : [])])
  const failing = checks.filter((c) => c.status === 'fail').length
  const warnings = checks.filter((c) => c.status === 'warn').length
  lines.push('', failing || warnings ? `${failing} to fix, ${warnings} to look at.` : 'Nothing to fix.')
  return lines.join('\n')
}
