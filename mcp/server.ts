import { randomUUID } from 'node:crypto'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { Principal, Services } from '../core/context.js'
import { translateDatabaseError } from '../core/db/translate-error.js'
import { AppError } from '../core/errors.js'
import { log } from '../core/log.js'
import { crmAction, crmAuthorizationStatus, crmCapabilities, crmQuery } from './raw-tools.js'
import type { ToolDefinition } from './tool.js'
import { dailyBriefing } from './workflows/daily-briefing.js'
import { findCustomer } from './workflows/find-customer.js'
import { handleRescheduleRequest } from './workflows/handle-reschedule.js'
import { processLead } from './workflows/process-lead.js'
import { scheduleAppointment } from './workflows/schedule-appointment.js'
import { sendInvoice } from './workflows/send-invoice.js'

/** Every tool the agent sees, layer 1 first. */
export const TOOLS: ReadonlyArray<ToolDefinition> = [
  crmCapabilities, crmQuery, crmAction, crmAuthorizationStatus,
  findCustomer, scheduleAppointment, handleRescheduleRequest, processLead, sendInvoice, dailyBriefing,
] as unknown as ToolDefinition[]

/** An MCP server for one principal, with every tool registered by one loop. */
export function createMcpServer(services: Services, principal: Principal, tools = TOOLS): McpServer {
  const server = new McpServer({ name: 'service-crm', version: '0.1.0' }, {
    instructions: 'You are the office manager of a service business. Start with crm_capabilities or a workflow tool. ' +
      'Money is integer cents; times are ISO 8601 UTC; dates are YYYY-MM-DD in the business time zone.',
  })
  for (const tool of tools) {
    server.registerTool(tool.name, {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input,
      annotations: {
        title: tool.title,
        readOnlyHint: tool.readOnly,
        destructiveHint: !tool.readOnly && (tool.destructive ?? false),
        idempotentHint: tool.idempotent ?? tool.readOnly,
        openWorldHint: false,
      },
    }, async (args: Record<string, unknown>): Promise<CallToolResult> => {
      const requestId = randomUUID()
      try {
        const result = await tool.run({ services, principal, requestId }, args as never)
        return { content: [{ type: 'text', text: JSON.stringify(result) }] }
      } catch (err) {
        return toolError(err, requestId)
      }
    })
  }
  return server
}

/** An error as the model sees it: the code, what to fix, and the details; never a stack. */
function toolError(err: unknown, requestId: string): CallToolResult {
  const e = translateDatabaseError(err)
  const known = e instanceof AppError ? e : null
  if (!known) log('error', 'tool failed', { request_id: requestId, error: e instanceof Error ? e.stack : String(e) })
  const body = known
    ? { code: known.code, message: known.message, ...(known.details ? { details: known.details } : {}) }
    : { code: 'INTERNAL', message: `Internal error; request id ${requestId}` }
  return { isError: true, content: [{ type: 'text', text: JSON.stringify({ error: body }) }] }
}
