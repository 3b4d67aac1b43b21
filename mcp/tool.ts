import { z } from 'zod'
import type { Principal, Services } from '../core/kernel/context.js'
import { dayInput } from '../core/text/day-words.js'
import { isUuid } from '../core/kernel/schema-types.js'

/** What a tool call knows: the product's services, who is calling, and the request id for the audit. */
export interface ToolContext {
  services: Services
  principal: Principal
  requestId: string
}

/** One MCP tool as a plain object; mcp/server.ts registers every one the same way. */
export interface ToolDefinition<S extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string
  title: string
  /** Written for a model: what it does, when to use it, units and formats. */
  description: string
  input: S
  /** What owners and agents say when they mean it: crm_capabilities {q} finds the tool by these, its title and description. */
  phrases?: string[]
  /** One call's arguments as an example, shown with the tool when it is found by task. */
  example?: Record<string, unknown>
  /** What run answers, published as outputSchema; keys it does not name are allowed, so a new field never breaks a client. */
  output: O
  /** Reads only (readOnlyHint); otherwise it may change data. */
  readOnly: boolean
  /** May remove or irreversibly change data (destructiveHint). */
  destructive?: boolean
  /** Repeating the same call has no further effect (idempotentHint). */
  idempotent?: boolean
  /** How to fix arguments that do not match input, when a common mistake can be recognised (e.g. "contact.create" as action). */
  argumentHint?(args: Record<string, unknown>): string | undefined
  run(ctx: ToolContext, args: z.output<z.ZodObject<S>>): Promise<unknown>
}

/** Declares a tool. */
export function defineTool<S extends z.ZodRawShape, O extends z.ZodRawShape>(def: ToolDefinition<S, O>): ToolDefinition<S, O> {
  return def
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/

// Tool arguments are checked with refinements and published with a named format only: zod would otherwise put a
// regex of up to 250 characters beside every id and date, and models read every byte of tools/list.

/** A UUID argument. */
export const uuidArg = () =>
  z
    .string()
    .refine((v) => isUuid(v), 'expected a UUID')
    .meta({ format: 'uuid' })

/** A visit's or invoice's id argument that also takes its number as answers print it ("#171", "INV-2026-0004"). */
export const recordRefArg = () =>
  z
    .string()
    .refine(
      (v: string) => isUuid(v) || /^(#?\d{1,9}|INV-\d{4}-\d{1,9})$/i.test(String(v).trim()),
      'expected an id, or a number such as #171 or INV-2026-0004',
    )

/** A calendar date argument, YYYY-MM-DD. */
export const dateArg = () =>
  z
    .string()
    .refine((v) => DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), 'expected a date YYYY-MM-DD')
    .meta({ format: 'date' })

/** A wall-clock time argument, HH:MM (24-hour). */
export const timeArg = () =>
  z
    .string()
    .refine((v) => TIME.test(v), 'expected a time HH:MM (24-hour)')
    .meta({ format: 'HH:MM' })

/** A day argument: YYYY-MM-DD or a day word, as every operation takes one. */
export const dayArg = dayInput
