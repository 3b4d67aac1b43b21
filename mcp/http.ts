import { Router, type Request } from 'express'
import type { Services } from '../core/kernel/context.js'
import { AppError } from '../core/kernel/errors.js'
import { requirePrincipal } from '../core/http/request-state.js'
import { refuseInvalidRequest } from './body-errors.js'

/** The MCP SDK and our server over it, loaded at the first MCP request: most starts and many servers never need them. */
let mcpParts:
  | Promise<
      [typeof import('./server.js'), typeof import('@modelcontextprotocol/sdk/server/streamableHttp.js'), typeof import('./json-rpc.js')]
    >
  | undefined
const loadMcp = () =>
  (mcpParts ??= Promise.all([import('./server.js'), import('@modelcontextprotocol/sdk/server/streamableHttp.js'), import('./json-rpc.js')]))

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** /mcp over Streamable HTTP, stateless: a fresh server and transport for each POST, answered as JSON. */
export function mcpRoutes(services: Services): Router {
  const router = Router()
  const allowedHosts = allowedHostNames(services)
  router.post('/mcp', async (req, res) => {
    refuseForeignHost(req, allowedHosts)
    const principal = requirePrincipal(res)
    const [{ createMcpServer, instructionsFor }, { StreamableHTTPServerTransport }, { isInitialize, isJsonRpcBody }] = await loadMcp()
    // Only a JSON body reaches here parsed; the transport itself answers other content types.
    if (req.is('application/json') && !isJsonRpcBody(req.body)) return refuseInvalidRequest(res)
    // Only initialize reads the instructions, and only it pays for reading the business's date.
    const server = createMcpServer(services, principal, isInitialize(req.body) ? await instructionsFor(services, principal) : undefined)
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    res.on('close', () => {
      void transport.close()
      void server.close()
    })
    await server.connect(transport)
    await transport.handleRequest(req, res, req.body)
  })
  router.all('/mcp', (req, res) => {
    refuseForeignHost(req, allowedHosts)
    // Without a token every method answers 401 naming where to sign in, as POST does: a client may probe with GET.
    requirePrincipal(res)
    throw new AppError('NOT_FOUND', `${req.method} /mcp is not served: this server is stateless, send JSON-RPC with POST`, undefined, 405)
  })
  return router
}

/** Host names the MCP endpoint answers to: loopback names, the public address and MCP_ALLOWED_HOSTS. */
function allowedHostNames(services: Services): Set<string> {
  const names = new Set(LOOPBACK_HOSTS)
  names.add(new URL(services.config.publicBaseUrl).hostname.toLowerCase())
  if (services.config.host !== '0.0.0.0' && services.config.host !== '::') names.add(services.config.host.toLowerCase())
  for (const h of services.config.mcpAllowedHosts) names.add(h)
  return names
}

/** DNS rebinding protection: a page on another site must not reach this endpoint through a name it controls. */
function refuseForeignHost(req: Request, allowed: Set<string>): void {
  const host = (req.get('host') ?? '').toLowerCase()
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]
  if (!allowed.has(name)) {
    throw new AppError('FORBIDDEN', `Host "${host}" is not allowed for MCP; add it to MCP_ALLOWED_HOSTS`)
  }
  const origin = req.get('origin')
  if (origin) {
    const originName = hostnameOf(origin)
    if (!originName || (!allowed.has(originName) && !allowed.has(`[${originName}]`)))
      throw new AppError('FORBIDDEN', `Origin "${origin}" is not allowed for MCP`)
  }
}

/** The host name of an Origin header, or '' when it is not a URL (which no browser sends). */
function hostnameOf(origin: string): string {
  try {
    return new URL(origin).hostname.toLowerCase()
  } catch {
    return ''
  }
}
