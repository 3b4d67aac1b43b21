import type { IncomingMessage } from 'node:http'
import { entityNamed, type FakeCompany, type Rec } from './fake-quickbooks-company.js'
import { fakeFault } from './fake-quickbooks-faults.js'
import { parseQuery } from './fake-quickbooks-query.js'

/** An answer of the accounting API. */
export interface Answer {
  status: number
  body: object
}

/** Answers one authorized request to /v3/company/{realm}/<rest>: query, cdc, preferences, reads and writes. */
export function answerAccounting(init: {
  company: FakeCompany
  method: string
  url: URL
  body: unknown
  rest: string[]
  /** First answers by realm and requestid, replayed to a repeated write. */
  answered: Map<string, Answer>
  clock: () => Date
}): Answer {
  const { company, method, url, body, rest, answered, clock } = init
  const [resource, id] = rest
  const query = Object.fromEntries(url.searchParams)
  if (resource === 'query') {
    const text = method === 'POST' && typeof body === 'string' ? body : query.query
    if (!text) throw fakeFault(400, '4000', 'Error parsing query', 'QueryParserError: no query given')
    return { status: 200, body: { QueryResponse: company.query(parseQuery(text)), time: clock().toISOString() } }
  }
  if (resource === 'cdc' && method === 'GET') {
    const entities = (query.entities ?? '').split(',').filter(Boolean)
    const unknown = entities.find((e) => !entityNamed(e))
    if (!entities.length || unknown) {
      throw fakeFault(
        400,
        '2010',
        'Request has invalid or unsupported property',
        `Property Name:entities specified is unsupported or invalid: ${unknown ?? ''}`,
      )
    }
    const since = Date.parse(query.changedSince ?? '')
    if (!Number.isFinite(since))
      throw fakeFault(
        400,
        '2020',
        'Required param missing, need to supply the required value for the API',
        'Required parameter changedSince is missing in the request',
      )
    const responses = company.changedSince(
      entities.map((e) => entityNamed(e) as string),
      new Date(since),
    )
    return { status: 200, body: { CDCResponse: [{ QueryResponse: responses }], time: clock().toISOString() } }
  }
  if (resource === 'preferences' && method === 'GET') {
    return { status: 200, body: { Preferences: company.preferencesBody(), time: clock().toISOString() } }
  }
  if (resource === 'companyinfo' && method === 'GET') {
    if (id !== company.realmId) throw fakeFault(400, '610', 'Object Not Found', `Object Not Found : CompanyInfo ${id} does not exist.`)
    return { status: 200, body: { CompanyInfo: company.companyInfoBody(), time: clock().toISOString() } }
  }
  const entity = entityNamed(resource ?? '')
  if (!entity) throw fakeFault(400, '2010', 'Request has invalid or unsupported property', `Unsupported resource: ${resource}`)
  if (method === 'GET' && id) {
    const record = company.find(entity, id)
    if (!record) throw fakeFault(400, '610', 'Object Not Found', `Object Not Found : ${entity} ${id} does not exist.`)
    return { status: 200, body: { [entity]: record, time: clock().toISOString() } }
  }
  if (method !== 'POST' || id)
    throw fakeFault(405, '2010', 'Request has invalid or unsupported property', `${method} is not supported here`)
  if (!body || typeof body !== 'object')
    throw fakeFault(400, '2010', 'Request has invalid or unsupported property', 'The body is not a JSON object')
  const key = query.requestid ? `${company.realmId}:${query.requestid}` : undefined
  const earlier = key ? answered.get(key) : undefined
  if (earlier) return earlier
  const operation = query.operation
  const record =
    operation === 'void' && entity === 'Invoice'
      ? company.voidInvoice(body as Rec)
      : operation === 'delete'
        ? company.remove(entity, body as Rec)
        : (body as Rec).Id
          ? company.update(entity, body as Rec)
          : company.create(entity, body as Rec)
  const answer = { status: 200, body: { [entity]: structuredClone(record), time: clock().toISOString() } }
  if (key) answered.set(key, answer)
  return answer
}

/** The request body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** JSON or form fields as an object, other text as it is. */
export function parseBody(text: string, contentType: string | undefined): unknown {
  if (!text) return undefined
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text))
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}
