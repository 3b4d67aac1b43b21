import { randomUUID } from 'node:crypto'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'
import type { Principal, Services } from '../core/kernel/context.js'
import { withTenant } from '../core/db/tenant.js'
import { translateDatabaseError } from '../core/db/translate-error.js'
import { loadTenantSettings } from '../core/vocabulary/business-settings.js'
import { AppError } from '../core/kernel/errors.js'
import { boundedDepth } from '../core/kernel/input-bounds.js'
import { jsonSchemaOf } from '../core/kernel/json-schema.js'
import { log } from '../core/kernel/log.js'
import { localDate, weekdayName } from '../core/vocabulary/time.js'
import { nearestNames } from '../core/text/suggest.js'
import { parseInput } from '../core/kernel/validation.js'
import { ICON_PATH } from './icon.js'
import { crmAction, crmAuthorizationStatus, crmCapabilities, crmDestructiveAction, crmQuery } from './raw-tools.js'
import type { ToolContext, ToolDefinition } from './tool.js'
import { argumentsWithIds } from './tool-refs.js'
import { WORKFLOW_TOOLS } from './workflows/index.js'

/** Every tool the agent sees, layer 1 first. */
export const TOOLS: ReadonlyArray<ToolDefinition> = [
  crmCapabilities,
  crmQuery,
  crmAction,
  crmDestructiveAction,
  crmAuthorizationStatus,
  ...WORKFLOW_TOOLS,
] as unknown as ToolDefinition[]

/** What the model is told once, at initialize: how the tools fit together and the units they speak. */
export const SERVER_INSTRUCTIONS = [
  "This server runs a service business's CRM and appointment book; you act as its office manager.",
  'Two layers of tools: workflow tools (find_customer, schedule_appointment, send_invoice, daily_briefing, ...) do a whole task in one call; ' +
    'the raw tools crm_capabilities, crm_query and crm_action reach every operation. Start with a workflow tool, or with crm_capabilities to see what exists.',
  'Risky calls are not run at once: they return status "pending_authorization" with a request_id while the owner decides; ' +
    'check them with crm_authorization_status {"request_id": ...} and do not repeat the call.',
  "Money is integer cents (12500 = $125.00). Times are ISO 8601 in UTC; dates are YYYY-MM-DD in the business's time zone.",
  'An error answer says what to fix: correct the named field and call again.',
].join('\n')

/**
 * The instructions with the business's today, weekday and time zone: a model needs them to turn "Monday" into a date, and
 * reading them here costs no call. Told at connection; daily_briefing says the date again on a later day.
 */
export async function instructionsFor(services: Services, principal: Principal): Promise<string> {
  // Read straight from the business's row: a server made with only some domains still says the date.
  const { timezone: tz } = await withTenant(
    services.db,
    { tenantId: principal.tenantId, actorType: principal.actor.type, actorId: principal.actor.id },
    loadTenantSettings,
    { readOnly: true },
  )
  const today = localDate(services.now(), tz)
  return `${SERVER_INSTRUCTIONS}\nAt connection it is ${weekdayName(today)} ${today} in the business's time zone, ${tz}.`
}

/** An MCP server for one principal, with every tool registered by one loop; instructions are read by initialize only. */
export function createMcpServer(services: Services, principal: Principal, instructions = SERVER_INSTRUCTIONS, tools = TOOLS): McpServer {
  const icon = { src: new URL(ICON_PATH, services.config.publicBaseUrl).href, mimeType: 'image/svg+xml', sizes: ['any'] }
  const server = new McpServer({ name: 'service-crm', title: 'Service CRM', version: '0.1.0', icons: [icon] }, { instructions })
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.input, annotations: annotationsOf(tool) },
      () => {
        throw new Error('tools/call is answered by callTool')
      },
    )
  }
  // The SDK's tools/list would put a $schema line in every schema and close every output object to new fields; models read each byte.
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map(listedTool) }))
  // A fresh server per request never sends notifications, so it must not promise tools/list_changed.
  server.server.registerCapabilities({ tools: { listChanged: undefined } })
  // The SDK's own tools/call would answer bad arguments in its own words; this one names the field and how to fix it.
  server.server.setRequestHandler(CallToolRequestSchema, (request) =>
    callTool(tools, { services, principal, requestId: randomUUID() }, request.params.name, request.params.arguments ?? {}),
  )
  return server
}

/**
 * What MCP clients are told about a tool's behaviour (its title is the tool's own, given once beside its name). The
 * destructive and idempotent hints mean something only for a tool that writes, so a reading tool leaves them out; a
 * writing one leaves out idempotentHint when it is false, the protocol's default.
 */
function annotationsOf(tool: ToolDefinition) {
  if (tool.readOnly) return { readOnlyHint: true, openWorldHint: false }
  return {
    readOnlyHint: false,
    destructiveHint: tool.destructive ?? false,
    ...(tool.idempotent ? { idempotentHint: true } : {}),
    openWorldHint: false,
  }
}

/** One tool as tools/list gives it: input and output as JSON Schema, the output open to fields added later. */
function listedTool(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: withoutBounds(jsonSchemaOf(z.object(tool.input))) as Tool['inputSchema'],
    // An answer's required list tells a model nothing it acts on; a call's tells it what it must give.
    outputSchema: withoutKeys(jsonSchemaOf(z.object(tool.output)), new Set([...LISTED_WITHOUT, 'required'])) as Tool['outputSchema'],
    annotations: annotationsOf(tool),
  }
}

/** Schema keywords tools/list leaves out; each is still enforced when the tool is called. */
const LISTED_WITHOUT = new Set(['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'propertyNames', 'pattern'])

/**
 * The schema without bounds, patterns, key rules and closed objects: tools/list is the scarcest context a model has, and a call
 * that breaks any of them is refused by the tool with the field and the rule named.
 */
function withoutBounds(schema: unknown): unknown {
  return withoutKeys(schema, LISTED_WITHOUT)
}

/** The schema without the given keywords at any depth, and without additionalProperties: false; field names are kept. */
function withoutKeys(schema: unknown, keys: Set<string>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => withoutKeys(s, keys))
  if (!schema || typeof schema !== 'object') return schema
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([k, v]) => !keys.has(k) && !(k === 'additionalProperties' && v === false))
      .map(([k, v]) => [k, k === 'properties' ? fieldsWithoutKeys(v, keys) : withoutKeys(v, keys)]),
  )
}

/** A properties map: its names are fields, not keywords, so only each field's schema is trimmed. */
function fieldsWithoutKeys(properties: unknown, keys: Set<string>): unknown {
  if (!properties || typeof properties !== 'object') return properties
  return Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, withoutKeys(s, keys)]))
}

/** Runs one tool: arguments checked against its input, then its run; every failure is a tool error the model can act on. */
async function callTool(
  tools: ReadonlyArray<ToolDefinition>,
  ctx: ToolContext,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  try {
    const tool = tools.find((t) => t.name === name)
    if (!tool) {
      const suggestions = nearestNames(
        name,
        tools.map((t) => t.name),
      )
      throw new AppError('NOT_FOUND', `Unknown tool "${name}". Did you mean: ${suggestions.join(', ')}?`, { field: 'name', suggestions })
    }
    // Over stdio no HTTP body check ran before: the arguments are bounded here before anything walks them.
    boundedDepth(args, 'arguments')
    const parsed = parseToolArguments(tool, await argumentsWithIds(tool, ctx, args))
    const result = await tool.run(ctx, parsed as never)
    // Older clients read the text; newer ones the object, which MCP requires to be a JSON object.
    const structured = result && typeof result === 'object' && !Array.isArray(result) ? (result as Record<string, unknown>) : { result }
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: structured }
  } catch (err) {
    return toolError(err, ctx.requestId)
  }
}

/** The arguments as the tool's input reads them; refused naming each field, led by the tool's own hint when it has one. */
function parseToolArguments(tool: ToolDefinition, args: Record<string, unknown>): unknown {
  try {
    return parseInput(z.strictObject(tool.input), args, '')
  } catch (err) {
    const hint = err instanceof AppError ? tool.argumentHint?.(args) : undefined
    if (!hint || !(err instanceof AppError)) throw err
    throw new AppError(err.code, `${hint}. ${err.message}`, { ...err.details, hint }, err.status)
  }
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
