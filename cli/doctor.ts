import { processEnvironment } from '../core/kernel/config.js'
import { parseCommandArgs, ReportsFailure } from './command.js'
import type { CheckItem } from './doctor/item.js'
import { runDoctor as checkDeployment } from './doctor/run.js'

/** How each status reads at the start of its line. */
const MARKS: Record<CheckItem['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', off: 'off ' }

/** `crm doctor`: checks the running deployment item by item and says what to fix; exit code 1 when an item fails. */
export async function runDoctor(argv: string[]): Promise<string> {
  const { values } = parseCommandArgs(argv, { url: { type: 'string' }, json: { type: 'boolean' } })
  const checks = await checkDeployment({ env: processEnvironment(), serverUrl: values.url as string | undefined })
  const failed = checks.some((c) => c.status === 'fail')
  const stdout = values.json ? JSON.stringify({ ok: !failed, checks }) : report(checks)
  if (failed) throw new ReportsFailure(stdout)
  return stdout
}

/** One line per item, its fix indented under it, and a last line counting what needs doing. */
function report(checks: CheckItem[]): string {
  const lines = checks.flatMap((c) => [`${MARKS[c.status]}  ${c.check}: ${c.detail}`, ...(c.fix ? [`        fix: ${c.fix}`] : [])])
  const failing = checks.filter((c) => c.status === 'fail').length
  const warnings = checks.filter((c) => c.status === 'warn').length
  lines.push('', failing || warnings ? `${failing} to fix, ${warnings} to look at.` : 'Nothing to fix.')
  return lines.join('\n')
}
