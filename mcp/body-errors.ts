import type { NextFunction, Request, Response } from 'express'

/** JSON-RPC's codes for a body that is not JSON (-32700) and for JSON that is not a request (-32600). */
const PARSE_ERROR = -32700
const INVALID_REQUEST = -32600

/**
 * A POST /mcp body the JSON parser refused, answered as JSON-RPC (400, id null) rather than in the API's envelope,
 * so an MCP client can read it. Other errors and other paths go on to the envelope.
 */
export function mcpBodyErrors(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const e = err as { type?: string; body?: unknown } | null
  if (req.path !== '/mcp' || e?.type !== 'entity.parse.failed') return next(err)
  if (typeof e.body === 'string' && parses(e.body)) return refuseInvalidRequest(res)
  res.status(400).json({ jsonrpc: '2.0', error: { code: PARSE_ERROR, message: 'Parse error: the body is not valid JSON' }, id: null })
}

/** 400 with JSON-RPC's Invalid Request: JSON, but not a message. */
export function refuseInvalidRequest(res: Response): void {
  res.status(400).json({
    jsonrpc: '2.0',
    error: {
      code: INVALID_REQUEST,
      message:
        'Invalid Request: the body is JSON but not a JSON-RPC message; send an object with "jsonrpc": "2.0", "method" and, for a request, "id"',
    },
    id: null,
  })
}

/** Whether text is JSON at all: the parser also refuses valid JSON that is not an object or array. */
function parses(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
