import type { z } from 'zod'
import type { Caller } from './call-action.js'
import { rememberReads } from '../db/read-memo.js'
import { withTenant } from '../db/tenant.js'
import { performQuery } from './operations.js'
import { scopeOf } from './operations-context.js'
import type { QueryDefinition } from './registry.js'

/** A read of a list by definition: the type's own filters, and the standard include, limit and cursor. */
export interface ListRead<P extends z.ZodObject> {
  params?: z.input<P>
  include?: string[]
  limit?: number
  cursor?: string
  id?: undefined
}

/** A read of one record by definition. */
export interface RecordRead<P extends z.ZodObject> {
  id: string
  params?: z.input<P>
  include?: string[]
}

/** One page of a typed read: records in the shape of the type's record schema. */
export interface TypedPage<R extends z.ZodType> {
  items: Array<z.output<R>>
  next_cursor: string | null
}

/**
 * Reads a data type by its definition, exactly as GET /api/data does (access, a technician's reach, the same defaults
 * and limits: it goes through performQuery), and answers as JSON reads it, typed by the type's record schema: the page,
 * or for a read by id the one record (a missing one is NOT_FOUND).
 */
export async function callQuery<P extends z.ZodObject, R extends z.ZodType>(
  caller: Caller,
  def: QueryDefinition<P, R>,
  read: RecordRead<P>,
): Promise<z.output<R>>
export async function callQuery<P extends z.ZodObject, R extends z.ZodType>(
  caller: Caller,
  def: QueryDefinition<P, R>,
  read?: ListRead<P>,
): Promise<TypedPage<R>>
export async function callQuery<P extends z.ZodObject, R extends z.ZodType>(
  caller: Caller,
  def: QueryDefinition<P, R>,
  read: ListRead<P> | RecordRead<P> = {},
): Promise<TypedPage<R> | z.output<R>> {
  const { limit, cursor } = read as ListRead<P>
  // Absent filters are left out, as a query string would leave them.
  const filters = Object.fromEntries(Object.entries(read.params ?? {}).filter(([, v]) => v !== undefined))
  const result = await performQuery(
    caller.services,
    caller.principal,
    { type: def.type, id: read.id, include: read.include, limit, cursor, filters },
    { requestId: caller.requestId, transaction: caller.transaction },
  )
  // Times become ISO strings and absent values drop out, as the record schema describes them.
  return JSON.parse(JSON.stringify(result))
}

/** Every record of a filtered list, page by page (100 a page). */
export async function callQueryAll<P extends z.ZodObject, R extends z.ZodType>(
  caller: Caller,
  def: QueryDefinition<P, R>,
  read: { params?: z.input<P>; include?: string[] } = {},
): Promise<Array<z.output<R>>> {
  const all: Array<z.output<R>> = []
  let cursor: string | undefined
  do {
    const page = await callQuery(caller, def, { ...read, limit: 100, cursor })
    all.push(...page.items)
    cursor = page.next_cursor ?? undefined
  } while (cursor)
  return all
}

/**
 * Runs fn with a caller whose reads (callQuery, callQueryAll) all go into one tenant transaction: one snapshot and one
 * BEGIN and COMMIT for several reads, each still checked as its own call. Reads only (the transaction is read-only), and
 * the reads inside run one after another; what they all ask first (the settings, whether a contact was merged) is sent once.
 */
export async function readTogether<T>(caller: Caller, fn: (together: Caller) => Promise<T>): Promise<T> {
  if (caller.transaction) return fn(caller)
  return withTenant(
    caller.services.db,
    scopeOf(caller.principal, caller.requestId),
    (tx) => {
      rememberReads(tx)
      return fn({ ...caller, transaction: tx })
    },
    { readOnly: true },
  )
}
