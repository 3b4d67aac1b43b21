import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { translateDatabaseError } from '../../core/db/translate-error.js'
import { AppError } from '../../core/kernel/errors.js'
import { encodeCursor } from '../../core/kernel/pagination.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { rawRequest } from '../helpers/raw-http.js'
import { expectError } from '../helpers/envelope-assertions.js'

/** Texts of libraries and the database that must never reach a caller. */
const FOREIGN_TEXT =
  /incorrect header check|URI malformed|Failed to decode|Invalid URL|invalid input syntax|out of range for type|date\/time field/i

describe.each(engines)('what the caller sent wrong is a 4xx that names it (%s)', (engine) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startTestApp(engine)
  })
  afterAll(() => app?.close())

  const agent = () => ({ authorization: `Bearer ${app.tenant.agent_token}` })
  const envelopeOf = (text: string) => JSON.parse(text)

  it('a body that does not decompress with its Content-Encoding names the body', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await rawRequest(
        app.url,
        'POST',
        '/api/actions',
        { ...agent(), 'content-type': 'application/json', 'content-encoding': encoding },
        Buffer.from('plain text, not compressed'),
      )
      expect(res.status, encoding).toBe(400)
      const body = envelopeOf(res.text)
      expect(body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { issues: [{ field: 'body' }] } })
      expect(body.error.message).toMatch(/does not decompress/)
      expect(res.text).not.toMatch(FOREIGN_TEXT)
    }
    const unknown = await rawRequest(
      app.url,
      'POST',
      '/api/actions',
      { ...agent(), 'content-type': 'application/json', 'content-encoding': 'compress' },
      '{}',
    )
    expect(unknown.status).toBe(415)
    expect(envelopeOf(unknown.text).error.details.issues[0].field).toBe('Content-Encoding')
  })

  it('a malformed percent-escape in a path is a 400 naming the URL; one in a cookie is ignored', async () => {
    const res = await rawRequest(app.url, 'GET', '/tickets/%E0%A4%A', agent())
    expect(res.status).toBe(400)
    expect(envelopeOf(res.text).error.details.issues[0]).toMatchObject({ field: 'url', message: expect.stringMatching(/percent-escape/) })
    expect(res.text).not.toMatch(FOREIGN_TEXT)
    const cookie = await rawRequest(app.url, 'GET', '/api/capabilities', { ...agent(), cookie: 'crm_session=%E0%A4%A' })
    expect(cookie.status).toBe(200)
    expect((await rawRequest(app.url, 'GET', '/auth/session', { cookie: 'crm_session=%E0%A4%A' })).status).toBe(401)
  })

  it('an Origin that is not a URL is refused by /mcp as a foreign origin', async () => {
    const res = await rawRequest(app.url, 'POST', '/mcp', { ...agent(), 'content-type': 'application/json', origin: 'http://[::1' }, '{}')
    expect(res.status).toBe(403)
    expect(envelopeOf(res.text).error.code).toBe('FORBIDDEN')
  })

  it('a forged cursor is refused as a cursor before it reaches the database', async () => {
    const forged = [
      encodeCursor(['not a time', randomUUID()]),
      encodeCursor(['0000-01-01 00:00:00+00', randomUUID()]),
      encodeCursor(['2026-01-01 00:00:00+00', 'not-a-uuid']),
      encodeCursor([1e308, randomUUID()]),
      'x'.repeat(3000),
    ]
    for (const type of ['contacts', 'tickets', 'audit_trail']) {
      for (const cursor of forged) {
        const res = await app.query({ type, cursor })
        expectError(res, 400, 'VALIDATION_ERROR')
        expect(res.body.error.details.issues[0].field, `${type} ${cursor.slice(0, 40)}`).toBe('cursor')
      }
    }
  })

  it('a date that does not exist or falls outside 1900-2999 is refused by validation, naming the field', async () => {
    for (const from of ['0000-01-01', '2026-02-30', '3000-01-01']) {
      const res = await app.query({ type: 'contacts', received_from: from })
      expectError(res, 400, 'VALIDATION_ERROR')
      expect(res.body.error.details.issues).toEqual([
        { field: 'received_from', message: 'expected a real date YYYY-MM-DD between 1900 and 2999' },
      ])
    }
    const res = await app.action('lead', 'create', { name: 'Far Future', reminder_at: '0000-01-01T00:00:00Z' })
    expectError(res, 400, 'VALIDATION_ERROR')
    expect(res.body.error.message).toMatch(/between 1900 and 2999/)
    expect(res.body.error.message).not.toMatch(FOREIGN_TEXT)
  })

  it('text with an unpaired surrogate is refused by its path, not by the database', async () => {
    const res = await app.call('POST', '/api/actions', '{"domain":"contact","action":"create","data":{"display_name":"Bad \\ud800 text"}}')
    expectError(res, 400, 'VALIDATION_ERROR')
    expect(res.body.error.details.issues[0].field).toBe('data.display_name')
  })

  it('a value the database still refuses (SQLSTATE class 22) says what kind of value was wrong, never the database text', async () => {
    await app.t.admin.query('create table request_errors_probe (v varchar(2))')
    const cases: Array<[string, unknown[], RegExp]> = [
      ['select $1::timestamptz', ['yesterday-ish'], /^A date or time is not valid/],
      ['select $1::uuid', ['nope'], /^A value is not a valid id \(a UUID\)/],
      ['select $1::int', ['99999999999'], /^A number is too large or too small/],
      ['select $1::date', ['0000-01-01'], /^A date or time is out of range/],
      ['insert into request_errors_probe values ($1)', ['abc'], /^A text is longer than its field allows/],
      ['select 1 / $1::int', [0], /^A number leads to a division by zero/],
    ]
    for (const [sql, args, expected] of cases) {
      const refused = await app.t.admin.query(sql, args).then(
        () => new Error(`${sql} was not refused`),
        (err: unknown) => err,
      )
      const e = translateDatabaseError(refused) as AppError
      expect(e, sql).toBeInstanceOf(AppError)
      expect({ code: e.code, status: e.status }, sql).toEqual({ code: 'VALIDATION_ERROR', status: 400 })
      expect(e.message, sql).toMatch(expected)
      expect(e.message, sql).not.toMatch(FOREIGN_TEXT)
    }
  })
})
