import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { o200kTokens, quarterTokens } from '../tokens.js'

/** One MCP request the agent's model wrote and read the answer of. */
export interface CountedCall {
  method: 'tools/list' | 'tools/call'
  tool?: string
  /** Characters / 4 of what the model writes (the call) and reads (the answer's text). */
  tokens: number
  /** The same text counted by the o200k tokenizer. */
  o200k: number
  /** o200k of the call and of the answer as sent: its text and its structured content (what a client may hand a model). */
  sentO200k: number
  isError: boolean
}

/**
 * An MCP client that counts what a model pays for: initialize (kept apart, its instructions are read once per
 * connection), tools/list, and every tools/call with its arguments and the text of its answer.
 */
export class CountedClient {
  readonly calls: CountedCall[] = []
  readonly initializeTokens: number
  /** The same by the o200k tokenizer. */
  readonly initializeO200k: number
  /** The server's instructions at initialize (what the model reads first). */
  readonly instructions: string | undefined

  constructor(private readonly client: Client) {
    this.instructions = client.getInstructions()
    const initialize = JSON.stringify({
      serverInfo: client.getServerVersion(),
      capabilities: client.getServerCapabilities(),
      instructions: client.getInstructions(),
    })
    this.initializeTokens = quarterTokens(initialize)
    this.initializeO200k = o200kTokens(initialize)
  }

  /** tools/list: the tools as the model reads them. */
  async listTools(): Promise<Array<{ name: string; description?: string; inputSchema: unknown }>> {
    const { tools } = await this.client.listTools()
    const text = JSON.stringify(tools)
    const o200k = o200kTokens(text)
    this.calls.push({ method: 'tools/list', tokens: quarterTokens(text), o200k, sentO200k: o200k, isError: false })
    return tools
  }

  /** tools/call: the answer's JSON, and whether the tool said it failed. */
  async call(name: string, args: Record<string, unknown>): Promise<{ isError: boolean; json: any }> {
    const result = (await this.client.callTool({ name, arguments: args })) as {
      isError?: boolean
      content: Array<{ type: string; text?: string }>
      structuredContent?: unknown
    }
    const text = result.content.map((c) => c.text ?? '').join('')
    const call = o200kTokens(JSON.stringify({ name, arguments: args }))
    this.calls.push({
      method: 'tools/call',
      tool: name,
      tokens: quarterTokens(JSON.stringify({ name, arguments: args })) + quarterTokens(text),
      o200k: call + o200kTokens(text),
      sentO200k:
        call + o200kTokens(text) + (result.structuredContent === undefined ? 0 : o200kTokens(JSON.stringify(result.structuredContent))),
      isError: Boolean(result.isError),
    })
    return { isError: Boolean(result.isError), json: JSON.parse(text) }
  }

  /** Every token by the o200k tokenizer, tools/list included, initialize not. */
  get totalO200k(): number {
    return this.calls.reduce((sum, c) => sum + c.o200k, 0)
  }

  /** Every token by the o200k tokenizer as sent (each answer's text and its structured content), tools/list included. */
  get totalSentO200k(): number {
    return this.calls.reduce((sum, c) => sum + c.sentO200k, 0)
  }

  /** Every token counted, tools/list included, initialize not. */
  get totalTokens(): number {
    return this.calls.reduce((sum, c) => sum + c.tokens, 0)
  }
}
