import { runColdAgent } from '../office/appendix-d.js'
import { runOfficeTasks } from '../office/run-tasks.js'
import { startBenchHost } from '../lifecycle/bench-host.js'
import { runLifecycle } from '../lifecycle/run.js'
import type { BenchRow, Scenario } from '../scenario.js'

const MEDIAN_CALLS_TARGET = 2
const MEDIAN_TOKENS_TARGET = 800
const LIST_TARGET = 2000
const APPENDIX_D_CALLS_TARGET = 8
const APPENDIX_D_TOKENS_TARGET = 5000

/**
 * Everyday office tasks on a seeded business, each done cold by a client that knows only tools/list and the answers: it
 * finds the action with crm_capabilities {q} in the owner's words and makes the call, the owner allowing what waits for
 * approval; each graded by the database. Per task the calls and o200k tokens beyond tools/list; then Appendix D done cold.
 */
export const officeTasks: Scenario = {
  name: 'office tasks',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = []
    const host = await startBenchHost('Clear View Windows')
    let listO200k = 0
    try {
      const results = await runOfficeTasks(host)
      listO200k = results[0]?.listO200k ?? 0
      for (const r of results) {
        rows.push({
          measure: `  ${r.name}: calls, o200k tokens beyond tools/list`,
          value: `${r.calls}, ${r.tokens}`,
          target: 'right',
          met: !r.wrong,
          note: r.wrong ?? `${r.used}: "${r.said}"; as sent ${r.sentTokens}`,
        })
      }
      const right = results.filter((r) => !r.wrong).length
      const calls = median(results.map((r) => r.calls))
      const tokens = median(results.map((r) => r.tokens))
      rows.unshift(
        {
          measure: `tasks done right (of ${results.length}), graded by the database`,
          value: String(right),
          target: `${results.length}`,
          met: right === results.length,
        },
        {
          measure: 'median calls a task, beyond tools/list',
          value: String(calls),
          target: `<= ${MEDIAN_CALLS_TARGET}`,
          met: calls <= MEDIAN_CALLS_TARGET,
        },
        {
          measure: 'median o200k tokens a task, beyond tools/list',
          value: String(tokens),
          target: `<= ${MEDIAN_TOKENS_TARGET}`,
          met: tokens <= MEDIAN_TOKENS_TARGET,
          note: `each call's arguments and answer text; as sent (text and structured content) ${median(results.map((r) => r.sentTokens))}`,
        },
        {
          measure: 'tools/list (o200k tokens), read once a conversation',
          value: String(listO200k),
          target: `<= ${LIST_TARGET}`,
          met: listO200k <= LIST_TARGET,
        },
      )
    } finally {
      await host.close()
    }
    rows.push(...(await appendixDCold()))
    return rows
  },
}

/** Appendix D by the cold client: calls and o200k tokens, tools/list included. */
async function appendixDCold(): Promise<BenchRow[]> {
  const host = await startBenchHost('Sparkle Windows')
  try {
    const { agent } = await runLifecycle(host, runColdAgent)
    const calls = agent.calls.length
    return [
      {
        measure: 'Appendix D cold: calls (tools/list + tools/call)',
        value: String(calls),
        target: `<= ${APPENDIX_D_CALLS_TARGET}`,
        met: calls <= APPENDIX_D_CALLS_TARGET,
        note: agent.calls.map((c) => c.tool ?? c.method).join(', '),
      },
      {
        measure: 'Appendix D cold: o200k tokens, tools/list included',
        value: String(agent.totalO200k),
        target: `<= ${APPENDIX_D_TOKENS_TARGET}`,
        met: agent.totalO200k <= APPENDIX_D_TOKENS_TARGET,
        note: `as sent (text and structured content) ${agent.totalSentO200k}`,
      },
    ]
  } finally {
    await host.close()
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
