import { randomUUID } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createApp } from '../../api/app.js'
import { jsonSchemaOf } from '../../core/json-schema.js'
import { signIn } from '../auth/browser.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import {
  BROKEN_ESCAPES, forgedCursors, HOSTILE_DATA_TEXTS, HOSTILE_STRINGS, hostileValuesFor, HUGE_TEXT, LEAK, rotate,
} from '../helpers/hostile-values.js'
import { rawRequest, type RawResponse } from '../helpers/raw-http.js'
import { routesOf } from '../helpers/routes.js'
import { CannotSynthesize, synthesize, type JsonSchema } from '../helpers/synthesize.js'
import { tenantTables } from '../helpers/tenant-data.js'

// Generated from the registry and the app's own routes: an operation or page added later is attacked with no code of its own.

/** Hostile values tried per input field and per filter of a data type, aimed at its type and otherwise: enough to cover every kind across the registry. */
const AIMED_PER_FIELD = 1
const OTHER_PER_FIELD = 1
/** Forged cursors tried per data type. */
const PER_CURSOR = 4
/** Thousands of calls: room for a busy machine (a limit against hanging, not a speed check). */
const SLOW = 300_000

/** Bookkeeping of sign-in itself (token and session use times), which any authenticated call may touch. */
const AUTH_TABLES = new Set(['agent_tokens', 'sessions', 'magic_links'])

interface Call {
  label: string
  method: string
  path: string
  headers?: Record<string, string>
  body?: Buffer | string
}

describe.each(engines)('hostile input is refused with a 4xx that names the problem (%s)', (engine) => {
  let app: TestApp
  let cookie: string
  let csrf: string
  let writesSeen = 0
  const failures: string[] = []
  const counts = { calls: 0, refused: 0 }

  beforeAll(async () => {
    app = await startTestApp(engine)
    const b = await signIn(app, 'owner@sparkle.test')
    cookie = `crm_session=${encodeURIComponent(b.cookie!)}`
    csrf = (await b.call('GET', '/auth/session')).body.data.csrf_token
    await countCommittedWrites(app)
  }, SLOW)
  afterAll(() => app?.close())
  // Each test reports only its own failures.
  beforeEach(() => { failures.length = 0 })

  /** Rows written by committed transactions since the last look. */
  async function newWrites(): Promise<number> {
    const total = Number((await app.t.db.query<{ n: string }>('select n from hostile_check_writes')).rows[0].n)
    const added = total - writesSeen
    writesSeen = total
    return added
  }

  /** Headers of the signed-in owner (cookie and CSRF token) or of the agent. */
  function as(who: 'owner' | 'agent' | 'anonymous'): Record<string, string> {
    if (who === 'owner') return { cookie, 'x-csrf-token': csrf }
    if (who === 'agent') return { authorization: `Bearer ${app.tenant.agent_token}` }
    return {}
  }

  /** Sends one call and records what a caller must never see: a 5xx, an answer outside the envelope, a leak, or a write on refusal. */
  async function attack(call: Call, writes: boolean): Promise<RawResponse> {
    const res = await rawRequest(app.url, call.method, call.path, call.headers, call.body)
    counts.calls++
    const at = `${call.label}: ${call.method} ${call.path.slice(0, 120)}`
    // A webhook answers 503 while its provider is not configured, on purpose: the provider keeps retrying until it is.
    const unconfigured = res.status === 503 && call.path.startsWith('/api/webhooks/') && /"UNAVAILABLE"/.test(res.text)
    if (res.status >= 500 && !unconfigured) failures.push(`${at} -> ${res.status} ${res.text.slice(0, 200)}`)
    if (LEAK.test(res.text)) failures.push(`${at} leaks: ${res.text.match(LEAK)![0]} in ${res.text.slice(0, 200)}`)
    if (call.path.startsWith('/api/') && call.method !== 'HEAD') {
      let body: any
      try { body = JSON.parse(res.text) } catch { body = undefined }
      const shaped = body && typeof body.success === 'boolean' && 'data' in body && 'error' in body && typeof body.meta?.request_id === 'string'
        && (body.success || (typeof body.error?.code === 'string' && typeof body.error?.message === 'string' && body.error.message.length > 0))
      if (!shaped) failures.push(`${at} answers outside the envelope: ${res.status} ${res.text.slice(0, 200)}`)
    }
    const added = writes ? await newWrites() : 0
    if (res.status >= 400) {
      counts.refused++
      if (added) failures.push(`${at} was refused (${res.status}) but wrote ${added} row(s)`)
    }
    return res
  }

  it('every action refuses hostile data without a 5xx, a leak or a write', async () => {
    const started = Date.now()
    const json = { ...as('owner'), 'content-type': 'application/json' }
    let offset = 0
    for (const def of app.services.registry.actions.values()) {
      const schema = jsonSchemaOf(def.input) as JsonSchema
      const base = validInput(schema, offset)
      const send = (label: string, data: string) => attack({ label: `${def.domain}.${def.name} ${label}`, method: 'POST', path: '/api/actions', headers: json,
        body: `{"domain":${JSON.stringify(def.domain)},"action":${JSON.stringify(def.name)},"reasoning":"checking hostile input","data":${data}}` }, true)
      for (const text of rotate(HOSTILE_DATA_TEXTS, offset, 1)) await send('whole data', text)
      for (const [field, prop] of Object.entries<JsonSchema>(schema.properties ?? {})) {
        const { aimed, other } = hostileValuesFor(prop)
        for (const value of [...rotate(aimed, offset, AIMED_PER_FIELD), ...rotate(other, offset++, OTHER_PER_FIELD)]) {
          await send(field, JSON.stringify({ ...base, [field]: value }))
        }
        // One level down: the first item of a list of objects, or a nested object, gets hostile values field by field.
        const inner: JsonSchema | undefined = prop.type === 'array' ? prop.items : prop.type === 'object' ? prop : undefined
        for (const [sub, subProp] of Object.entries<JsonSchema>(inner?.properties ?? {})) {
          const baseInner = (prop.type === 'array' ? (base[field] as unknown[] | undefined)?.[0] : base[field]) ?? {}
          const { aimed, other } = hostileValuesFor(subProp)
          // One value per nested field, aimed and otherwise in turn.
          for (const value of rotate(offset % 2 ? aimed : other, offset++, 1)) {
            const nested = { ...(baseInner as object), [sub]: value }
            await send(`${field}.${sub}`, JSON.stringify({ ...base, [field]: prop.type === 'array' ? [nested] : nested }))
          }
        }
      }
    }
    for (const name of [HUGE_TEXT, 'contact.\u0000', '__proto__', 'constructor']) {
      await attack({ label: 'unknown action', method: 'POST', path: '/api/actions', headers: json, body: JSON.stringify({ domain: name, action: name }) }, true)
    }
    console.log(`${engine}: ${counts.calls} hostile action calls (${counts.refused} refused) in ${Date.now() - started} ms`)
    expect(failures).toEqual([])
    // The write counter works: the calls a schema accepted (valid but odd values) did write, and were counted.
    expect(writesSeen).toBeGreaterThan(0)
    expect(counts.refused).toBeGreaterThan(counts.calls / 2)
  }, SLOW)

  it('every data type refuses hostile ids, cursors, limits, includes and filters without a 5xx or a leak', async () => {
    const started = Date.now()
    const before = counts.calls
    let offset = 0
    for (const [type, def] of app.services.registry.queries) {
      const get = (label: string, query: string) => attack({ label: `${type} ${label}`, method: 'GET', path: `/api/data?type=${encodeURIComponent(type)}&${query}`,
        headers: as('agent') }, false)
      const q = (name: string, value: string) => `${name}=${queryText(value)}`
      for (const id of rotate(HOSTILE_STRINGS, offset, 2)) await get('id', q('id', id))
      for (const limit of rotate(['0', '-1', '1.5', '1e3', '101', 'abc', '9'.repeat(30)], offset, 2)) await get('limit', q('limit', limit))
      for (const include of rotate(['__proto__', 'constructor,toString', 'x'.repeat(5000)], offset, 1)) await get('include', q('include', include))
      for (const cursor of rotate(forgedCursors(), offset, PER_CURSOR)) await get('cursor', q('cursor', cursor))
      for (const escape of rotate(BROKEN_ESCAPES, offset, 1)) await get('escape', `cursor=${escape}&id=${escape}`)
      await get('repeated', 'limit=1&limit=2&id=a&id=b')
      const filters = jsonSchemaOf(def.params) as JsonSchema
      for (const name of Object.keys(filters.properties ?? {})) {
        const { aimed } = hostileValuesFor(filters.properties[name])
        const texts = [...rotate(aimed, offset, AIMED_PER_FIELD), ...rotate(HOSTILE_STRINGS, offset++, OTHER_PER_FIELD)].map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
        for (const value of texts) await get(`filter ${name}`, q(name, value))
        await get(`filter ${name}`, `${name}=${BROKEN_ESCAPES[offset % BROKEN_ESCAPES.length]}&${name}=twice`)
      }
      offset += PER_CURSOR
    }
    await attack({ label: 'unknown type', method: 'GET', path: `/api/data?type=${'y'.repeat(6000)}`, headers: as('agent') }, false)
    console.log(`${engine}: ${counts.calls - before} hostile reads in ${Date.now() - started} ms`)
    expect(failures).toEqual([])
  }, SLOW)

  it('every HTTP route refuses broken paths, query strings, bodies, encodings and methods without a 5xx or a leak', async () => {
    const started = Date.now()
    const before = counts.calls
    const routes = routesOf(createApp(app.services))
    expect(routes.length).toBeGreaterThan(20)
    for (const [i, route] of routes.entries()) {
      const writes = route.method !== 'GET'
      // Signing out would end the session the other calls use; it is attacked without one.
      const who = route.path === '/auth/logout' ? 'anonymous' : route.path.startsWith('/api/') && !route.path.startsWith('/api/webhooks') ? 'agent' : 'owner'
      const headers = as(who)
      const path = (value: string) => route.path.replace(/[:*]\w+/g, value)
      const send = (label: string, call: Partial<Call>) => attack({ label: `${route.method} ${route.path} ${label}`, method: route.method, path: path(randomUUID()), headers, ...call }, writes)
      await send('plain', {})
      if (/[:*]\w+/.test(route.path)) {
        for (const value of rotate([...BROKEN_ESCAPES, '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(3000)], i, 4)) await send('path param', { path: path(value) })
      }
      for (const query of rotate(['%', 'done=%E0%A4%A&cursor=%&type=%ZZ', `done=${encodeURIComponent('Your account is locked; call 555-0100')}`, 'x[__proto__][y]=1&view=%ff'], i, 2)) {
        await send('query', { path: `${path(randomUUID())}?${query}` })
      }
      for (const method of ['OPTIONS', ...rotate(['PUT', 'DELETE', 'PATCH'], i, 1)]) await send('method', { method })
      await send('bad cookie', { headers: { cookie: 'crm_session=%E0%A4%A' } })
      if (i % 4 === 0) await send('bad origin', { headers: { ...headers, origin: 'http://[::1', host: '[' } })
      if (route.method === 'GET') continue
      const body = (contentType: string, data: Buffer | string, extra: Record<string, string> = {}) => ({ headers: { ...headers, 'content-type': contentType, ...extra }, body: data })
      const garbage = Buffer.from('not compressed at all')
      await send('broken gzip', body('application/json', garbage, { 'content-encoding': 'gzip' }))
      await send('broken deflate', body('application/x-www-form-urlencoded', garbage, { 'content-encoding': 'deflate' }))
      await send('broken brotli', body('application/json', garbage, { 'content-encoding': 'br' }))
      await send('truncated gzip', body('application/json', gzipSync('{"a":1}').subarray(0, 12), { 'content-encoding': 'gzip' }))
      await send('unknown encoding', body('application/json', '{}', { 'content-encoding': 'compress' }))
      await send('bad charset', body('application/json; charset=utf-7', '{}'))
      await send('bad json', body('application/json', '{"a":'))
      await send('prototype keys', body('application/json', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'))
      await send('bad form escapes', body('application/x-www-form-urlencoded', `_csrf=${csrf}&a=%E0%A4%A&%ZZ=1&b[__proto__]=1`))
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    console.log(`${engine}: ${counts.calls - before} hostile requests over ${routes.length} routes in ${Date.now() - started} ms`)
    expect(failures).toEqual([])
  }, SLOW)
})

/**
 * Counts every row inserted, updated or deleted in a tenant table, except sign-in bookkeeping. The count lives in the same
 * transaction as the write, so a call that rolled back leaves it as it was: only committed writes are counted.
 */
async function countCommittedWrites(app: TestApp): Promise<void> {
  const db = app.t.db
  await db.query('create table hostile_check_writes (n bigint not null)')
  await db.query('insert into hostile_check_writes values (0)')
  await db.query(`create function hostile_check_count() returns trigger language plpgsql security definer as $$
    begin update hostile_check_writes set n = n + 1; return null; end $$`)
  for (const table of (await tenantTables(db)).filter((t) => !AUTH_TABLES.has(t))) {
    await db.query(`create trigger hostile_check after insert or update or delete on "${table}" for each row execute function hostile_check_count()`)
  }
}

/** A valid input of an action where one can be made (ids point at no record), else an empty object. */
function validInput(schema: JsonSchema, seed: number): Record<string, unknown> {
  try {
    return synthesize(schema, { uuidFor: () => randomUUID(), tag: 'Hostile', seed }) as Record<string, unknown>
  } catch (err) {
    if (err instanceof CannotSynthesize) return {}
    throw err
  }
}

/** A value for a query string: percent-encoded as UTF-8 (a lone surrogate as its raw bytes), cut to fit the URL limit. */
function queryText(value: string): string {
  const short = value.slice(0, 6000)
  try {
    return encodeURIComponent(short)
  } catch {
    return [...Buffer.from(short, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
  }
}
