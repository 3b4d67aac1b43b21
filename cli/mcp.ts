import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { authenticateAgentToken } from '../core/auth/agent-tokens.js'
import { loadConfig, relaySettings, type Config } from '../core/kernel/config.js'
import { AppError } from '../core/kernel/errors.js'
import { setLogLevel, setLogStream } from '../core/kernel/log.js'
import { openMigratedDatabase } from '../core/kernel/runtime.js'
import { PERSONAL_DATA } from '../core/domains/personal-data.js'
import { parseCommandArgs, productServices } from './command.js'

/** `crm mcp`: MCP over stdio, relayed to the running server when there is one, else served from the database here. */
export async function runMcp(argv: string[]): Promise<string> {
  const { values } = parseCommandArgs(argv, { url: { type: 'string' } })
  const given = relaySettings()
  const token = given.agentToken
  if (!token) throw new AppError('VALIDATION_ERROR', 'Set CRM_AGENT_TOKEN to an agent token (create one with: npx crm token create)')
  const config = loadConfig()
  // stdout carries the protocol: anything logged goes to stderr.
  setLogStream(process.stderr)
  setLogLevel('warn')
  const url =
    (values.url as string | undefined) ??
    given.serverUrl ??
    `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`
  if (await serverAnswers(url)) await relay(url, token)
  else await serveHere(config, token)
  return ''
}

async function serverAnswers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })
    return res.ok
  } catch {
    return false
  }
}

/** Passes every message between the stdio client and the server's /mcp, unchanged. */
async function relay(url: string, token: string): Promise<void> {
  // The protocol's code loads here, when the command runs: the other commands start without it.
  const [{ StdioServerTransport }, { StreamableHTTPClientTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
  ])
  const stdio = new StdioServerTransport()
  const http = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } })
  stdio.onmessage = (message: JSONRPCMessage) => {
    http
      .send(message)
      .catch((err) => process.stderr.write(`crm mcp: the server did not take a message: ${err instanceof Error ? err.message : err}\n`))
  }
  http.onmessage = (message: JSONRPCMessage) => void stdio.send(message)
  http.onerror = (err) => process.stderr.write(`crm mcp: ${err.message}\n`)
  await http.start()
  await stdio.start()
  await untilStdinEnds()
  await http.close()
}

/** Opens the database in this process (claiming the embedded data folder) and serves MCP over stdio. */
async function serveHere(config: Config, token: string): Promise<void> {
  const opened = await openMigratedDatabase(config, 'crm mcp (stdio)', PERSONAL_DATA)
  try {
    const principal = await authenticateAgentToken(opened.db, token)
    if (!principal) throw new AppError('UNAUTHENTICATED', 'CRM_AGENT_TOKEN is not a valid agent token (unknown or revoked)')
    const [{ StdioServerTransport }, { createMcpServer, instructionsFor }, { startWorker }] = await Promise.all([
      import('@modelcontextprotocol/sdk/server/stdio.js'),
      import('../mcp/server.js'),
      import('../core/jobs/worker.js'),
    ])
    const services = await productServices(opened.db, config)
    // No server runs, so this process is the one that sends due emails (on the embedded engine it alone holds the data).
    const worker = config.workerInServer ? startWorker(services) : null
    const server = createMcpServer(services, principal, await instructionsFor(services, principal))
    try {
      await server.connect(new StdioServerTransport())
      await untilStdinEnds()
      await server.close()
    } finally {
      await worker?.stop()
    }
  } finally {
    await opened.close()
  }
}

function untilStdinEnds(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.once('end', resolve)
    process.stdin.once('close', resolve)
  })
}
