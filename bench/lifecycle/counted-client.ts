import type { Client } from '@modelcontextprotocol/sdk/client/index.js'

/** Tokens as models are billed for them, estimated the usual way: characters / 4. */
export const tokensOf = (text: string) => Math.ceil(text.length / 4)

/** One MCP request the agent's model wrote and read the answer of. */
export interface CountedCall {
  method: 'tools/list' | 'tools/call'
  tool?: string
  /** Characters / 4 of what the model writes (the call) and reads (the answer's text). */
  tokens: number
  isError: boolean
}

/**
 * An MCP client that counts what a model pays for: initialize (kept apart, its instructions are read once per
 * connection), tools/list, and every tools/call with its arguments and the text of its answer.
 */
export class CountedClient {
  readonly calls: CountedCall[] = []
  readonly initializeTokens: number

  constructor(private readonly client: Client) {
    this.initializeTokens = tokensOf(
      JSON.stringify({
        serverInfo: client.getServerVersion(),
        capabilities: client.getServerCapabilities(),
        instructions: client.getInstructions(),
      }),
    )
  }

  /** tools/list: the tools as the model reads them. */
  async listTools(): Promise<Array<{ name: string; description?: string; inputSchema: unknown }>> {
    const { tools } = await this.client.listTools()
    this.calls.push({ method: 'tools/list', tokens: tokensOf(JSON.stringify(tools)), isError: false })
    return tools
  }

  /** tools/call: the answer's JSON, and whether the tool said it failed. */
  async call(name: string, args: Record<string, unknown>): Promise<{ isError: boolean; json: any }> {
    const result = (await this.client.callTool({ name, arguments: args })) as {
      isError?: boolean
      content: Array<{ type: string; text?: string }>
    }
    const text = result.content.map((c) => c.text ?? '').join('')
    this.calls.push({
      method: 'tools/call',
      tool: name,
      tokens: tokensOf(JSON.stringify({ name, arguments: args })) + tokensOf(text),
      isError: Boolean(result.isError),
    })
    return { isError: Boolean(result.isError), json: JSON.parse(text) }
  }

  /** Every token counted, tools/list included, initialize not. */
  get totalTokens(): number {
    return this.calls.reduce((sum, c) => sum + c.tokens, 0)
  }
}
