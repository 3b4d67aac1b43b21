import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { buildRegistry } from '../../api/product.js'
import { callWithin } from '../../core/kernel/call-within.js'
import type { OperationContext, Principal, Services } from '../../core/kernel/context.js'
import { createTicket } from '../../core/domains/tickets/actions.js'
import { AppError } from '../../core/kernel/errors.js'
import { performAction } from '../../core/kernel/operations.js'
import { defineAction } from '../../core/kernel/registry.js'

// An operation uses another only through callWithin, which parses the input as the front door does.

const ROOT = join(import.meta.dirname, '..', '..')
const PRODUCT_FOLDERS = ['core', 'api', 'mcp', 'console', 'cli']

/** The places that run an operation's run themselves: the front doors and callWithin, each through its definition. */
const RUNNERS = new Set([
  'core/kernel/operations.ts',
  'core/kernel/call-within.ts',
  'core/kernel/background-step.ts',
  'core/domains/approvals/queue.ts',
  'core/domains/approvals/dry-run.ts',
])

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) =>
      relative(ROOT, join(ROOT, folder, f))
        .split('\\')
        .join('/'),
    )
}

/** Names each file declares an operation under, and the names it imports one as. */
function operationNames(files: Map<string, string>): Set<string> {
  const names = new Set<string>()
  for (const text of files.values()) {
    for (const m of text.matchAll(/export const (\w+)\s*=\s*define(?:Action|Query)\b/g)) names.add(m[1])
  }
  for (const text of files.values()) {
    for (const m of text.matchAll(/\b(\w+) as (\w+)\b/g)) if (names.has(m[1])) names.add(m[2])
  }
  return names
}

/** Each `name.run(` in a text whose receiver is an operation, or, in core (the approvals queue included), anything but a runner's `def`. */
function directRuns(path: string, text: string, operations: Set<string>): string[] {
  const found: string[] = []
  for (const m of text.matchAll(/\b([A-Za-z_$][\w$]*)\s*\.\s*run\s*\(/g)) {
    const receiver = m[1]
    const line = text.slice(0, m.index).split('\n').length
    const insideOperations = path.startsWith('core/')
    const aRunner = RUNNERS.has(path) && receiver === 'def'
    if (operations.has(receiver) || (insideOperations && !aRunner)) found.push(`${path}:${line} ${receiver}.run(`)
  }
  return found
}

describe('operations calling operations', () => {
  const files = new Map(PRODUCT_FOLDERS.flatMap(sourceFiles).map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]))
  const operations = operationNames(files)

  it('finds a direct run whether its receiver is an operation or any other name inside core', () => {
    expect(directRuns('mcp/workflows/x.ts', 'await createTicket.run(ctx, input)', operations)).toEqual([
      'mcp/workflows/x.ts:1 createTicket.run(',
    ])
    expect(directRuns('core/domains/x/y.ts', 'const a = 1\nawait someAlias.run(ctx, {})', operations)).toEqual([
      'core/domains/x/y.ts:2 someAlias.run(',
    ])
    expect(directRuns('core/kernel/operations.ts', 'await def.run(ctx, input)', operations)).toEqual([])
    expect(directRuns('core/domains/x/y.ts', 'await callWithin(ctx, createTicket, input)', operations)).toEqual([])
  })

  it('never runs another operation with its bare run: every inner call goes through callWithin', () => {
    expect(files.size).toBeGreaterThan(300)
    expect(operations.size).toBeGreaterThan(150)
    expect(operations).toContain('createTicket')
    expect([...files].flatMap(([path, text]) => directRuns(path, text, operations))).toEqual([])
  })

  it("parses an inner call's input as the front door does: the same VALIDATION_ERROR, naming the same fields", async () => {
    const registry = buildRegistry()
    const services = { registry } as Services
    const principal: Principal = { tenantId: '00000000-0000-4000-8000-000000000001', actor: { type: 'system', id: null } }
    // Parsing comes before anything else on both paths, so nothing here reaches a database.
    const ctx = { tenantId: principal.tenantId, actor: principal.actor, requestId: 'r', reasoning: null, services } as OperationContext
    const bad = { contact_id: 'not-an-id', scheduled_start: 'tomorrow', line_items: [{ quantity: -1 }], colour: 'blue' }
    const front = await performAction(services, principal, { domain: 'ticket', action: 'create', data: bad }, { requestId: 'r' }).catch(
      (e) => e,
    )
    const inner = await callWithin(ctx, createTicket, bad as never).catch((e) => e)
    expect(front).toBeInstanceOf(AppError)
    expect(inner).toBeInstanceOf(AppError)
    expect(front.code).toBe('VALIDATION_ERROR')
    expect(front.details.issues.map((i: { field: string }) => i.field)).toEqual(
      expect.arrayContaining(['data.contact_id', 'data.scheduled_start']),
    )
    expect({ code: inner.code, message: inner.message, details: inner.details, status: inner.status }).toEqual({
      code: front.code,
      message: front.message,
      details: front.details,
      status: front.status,
    })
  })

  it("runs the inner action with the caller's context unchanged and the input as its schema parses it (defaults filled)", async () => {
    const seen: Array<{ ctx: OperationContext; input: unknown }> = []
    const inner = defineAction({
      key: 'test.inner',
      description: 'test',
      access: { agent: 'unrestricted', technician: 'none' },
      input: z.strictObject({ n: z.coerce.number().int(), notify: z.boolean().default(true) }),
      output: z.object({ doubled: z.number() }),
      run: async (ctx, input) => {
        seen.push({ ctx, input })
        return { doubled: input.n * 2 }
      },
    })
    const ctx = { tenantId: 't', requestId: 'r', reasoning: 'why' } as OperationContext
    expect(await callWithin(ctx, inner, { n: '21' as unknown as number })).toEqual({ doubled: 42 })
    expect(seen).toEqual([{ ctx, input: { n: 21, notify: true } }])
    expect(seen[0].ctx).toBe(ctx)
    await expect(callWithin(ctx, inner, { n: 1.5 })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { issues: [expect.objectContaining({ field: 'data.n' })] },
    })
    expect(seen).toHaveLength(1)
  })
})
