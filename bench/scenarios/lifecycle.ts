import { startBenchHost } from '../lifecycle/bench-host.js'
import { runLifecycle } from '../lifecycle/run.js'
import type { BenchRow, Scenario } from '../scenario.js'

const CALLS_TARGET = 5
const TOKENS_TARGET = 4000
const LIST_TARGET = 2000

/** Appendix D (Jane Smith, new, booked, closed out, invoiced, reached out to, booked next year) by the scripted plain agent over MCP: calls, tokens, each call, bytes on the wire, and initialize apart. */
export const lifecycle: Scenario = {
  name: 'lifecycle',
  needs: 'nothing',
  async run(): Promise<BenchRow[]> {
    const host = await startBenchHost('Sparkle Windows')
    try {
      const { agent, wireBytes } = await runLifecycle(host)
      const listCall = agent.calls.find((c) => c.method === 'tools/list')
      const list = listCall?.tokens ?? 0
      const listO200k = listCall?.o200k ?? 0
      const calls = agent.calls.length
      const tokens = agent.totalTokens
      return [
        {
          measure: 'agent MCP calls (tools/list + tools/call)',
          value: String(calls),
          target: `<= ${CALLS_TARGET}`,
          met: calls <= CALLS_TARGET,
          note: agent.calls.map((c) => c.tool ?? c.method).join(', '),
        },
        // Counted by the o200k tokenizer first; characters / 4 is kept in the notes for the earlier figures.
        {
          measure: 'agent tokens, tools/list included (o200k tokenizer)',
          value: String(agent.totalO200k),
          target: `<= ${TOKENS_TARGET}`,
          met: agent.totalO200k <= TOKENS_TARGET,
          note: `each call's arguments and answer text; characters / 4: ${tokens}`,
        },
        {
          measure: 'agent tokens as sent, tools/list included (o200k tokenizer)',
          value: String(agent.totalSentO200k),
          note: 'each answer counted with its text and its structured content, as the server sends both',
        },
        {
          measure: 'tools/list (tokens, o200k tokenizer)',
          value: String(listO200k),
          target: `<= ${LIST_TARGET}`,
          met: listO200k <= LIST_TARGET,
          note: `characters / 4: ${list}`,
        },
        {
          measure: 'on the wire (bytes)',
          value: String(wireBytes),
          note: 'every MCP request and answer body over HTTP, initialize included',
        },
        ...agent.calls.map((c, i) => ({
          measure: `  call ${i + 1}: ${c.tool ?? c.method} (tokens, o200k tokenizer)`,
          value: String(c.o200k),
          note: `as sent ${c.sentO200k}; characters / 4: ${c.tokens}`,
        })),
        {
          measure: 'initialize, not counted above (tokens, o200k tokenizer)',
          value: String(agent.initializeO200k),
          note: `characters / 4: ${agent.initializeTokens}; server info and instructions, once per connection`,
        },
      ]
    } finally {
      await host.close()
    }
  },
}
