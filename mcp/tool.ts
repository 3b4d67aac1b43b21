import type { z } from 'zod'
import type { Principal, Services } from '../core/context.js'

/** What a tool call knows: the product's services, who is calling, and the request id for the audit. */
export interface ToolContext {
  services: Services
  principal: Principal
  requestId: string
}

/** One MCP tool as a plain object; mcp/server.ts registers every one the same way. */
export interface ToolDefinition<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string
  title: string
  /** Written for a model: what it does, when to use it, units and formats. */
  description: string
  input: S
  /** Reads only (readOnlyHint); otherwise it may change data. */
  readOnly: boolean
  /** May remove or irreversibly change data (destructiveHint). */
  destructive?: boolean
  /** Repeating the same call has no further effect (idempotentHint). */
  idempotent?: boolean
  run(ctx: ToolContext, args: z.output<z.ZodObject<S>>): Promise<unknown>
}

/** Declares a tool. */
export function defineTool<S extends z.ZodRawShape>(def: ToolDefinition<S>): ToolDefinition<S> {
  return def
}
