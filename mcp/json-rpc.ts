import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js'

/** Whether a parsed body is one JSON-RPC message or a non-empty batch of them. */
export function isJsonRpcBody(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body]
  return messages.length > 0 && messages.every((m) => JSONRPCMessageSchema.safeParse(m).success)
}

/** Whether a JSON-RPC body is (or holds) the initialize request. */
export function isInitialize(body: unknown): boolean {
  const messages = Array.isArray(body) ? body : [body]
  return messages.some((m) => Boolean(m) && typeof m === 'object' && (m as { method?: unknown }).method === 'initialize')
}
