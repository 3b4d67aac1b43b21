import { setTimeout as sleep } from 'node:timers/promises'
import type { QuickBooksClientOptions, QuickBooksCompany, QuickBooksConfig, TokenSource } from './quickbooks.js'
import { QUICKBOOKS_MINOR_VERSION } from './quickbooks-constants.js'
import { errorFromAnswer, faultCode, parseJson, QuickBooksError } from './quickbooks-error.js'
import type { RealmLimiter } from '../../../clients/company-limiter.js'

/** QuickBooks' largest query page. */
const PAGE = 1000
/** Throttled answers met by one request before it gives up. */
const MAX_THROTTLE_RETRIES = 5
const DEFAULT_BACKOFF_MS = [500, 1000, 2000]

/** One company's API over fetch: limits, retries on 429, 5xx and 401, Faults as QuickBooksErrors. */
export function createCompany(init: {
  config: QuickBooksConfig
  realmId: string
  tokens: TokenSource
  limiter: RealmLimiter
  options: QuickBooksClientOptions & { timeoutMs: number }
}): QuickBooksCompany {
  const { config, realmId, tokens, limiter, options } = init
  const backoff = options.backoffMs ?? DEFAULT_BACKOFF_MS
  const stats = { requests: 0, throttled: 0, retries: 0 }
  const base = `${config.apiBase}/v3/company/${encodeURIComponent(realmId)}`
  // Requests in flight together all meet the 401 of an expired token; one refresh serves them all, since a refresh
  // token works once and a second refresh with it would fail.
  let renewing: Promise<string> | undefined
  let renewed: { from: string; to: string } | undefined
  const renewAfter = (refused: string): Promise<string> => {
    if (renewing) return renewing
    if (renewed && renewed.from === refused) return Promise.resolve(renewed.to)
    renewing = tokens.afterUnauthorized().then(
      (to) => {
        renewed = { from: refused, to }
        renewing = undefined
        return to
      },
      (error) => {
        renewing = undefined
        throw error
      },
    )
    return renewing
  }

  const send = async (method: 'GET' | 'POST', path: string, query: Record<string, string>, body?: object): Promise<any> => {
    const url = `${base}/${path}?${new URLSearchParams({ ...query, minorversion: String(QUICKBOOKS_MINOR_VERSION) })}`
    let token = await tokens.accessToken()
    let refreshed = false
    let throttles = 0
    let serverErrors = 0
    for (;;) {
      await limiter.acquire()
      let res: Response
      let text: string
      try {
        stats.requests++
        res = await fetch(url, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            ...(body ? { 'Content-Type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(options.timeoutMs),
        })
        text = await res.text()
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError'
        // A connection dropped on the way (a kept-alive socket the server had just closed) is tried again like a 5xx:
        // writes carry their requestid, so QuickBooks answers a repeated one with what it did the first time.
        if (!timedOut && serverErrors < backoff.length) {
          await sleep(backoff[serverErrors++])
          stats.retries++
          continue
        }
        throw new QuickBooksError({
          message: timedOut
            ? `QuickBooks did not answer ${method} ${path} within ${options.timeoutMs} ms`
            : `QuickBooks could not be reached: ${(error as Error).message}`,
          status: 0,
          code: timedOut ? 'timeout' : 'network',
          faultType: 'network',
          retryable: true,
        })
      } finally {
        limiter.release()
      }
      const json = parseJson(text)
      if (res.status === 401) {
        if (refreshed) {
          const error = errorFromAnswer(401, json, text, false)
          error.code = 'unauthorized'
          throw error
        }
        refreshed = true
        stats.retries++
        token = await renewAfter(token)
        continue
      }
      if (res.status === 429 || faultCode(json) === '003001') {
        stats.throttled++
        if (throttles++ >= MAX_THROTTLE_RETRIES) throw errorFromAnswer(res.status, json, text, true)
        const retryAfter = Number(res.headers.get('retry-after'))
        const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : config.throttleWaitMs
        // Every request of this company waits, not only this one: QuickBooks counts them all.
        limiter.pauseUntil(Date.now() + waitMs)
        stats.retries++
        continue
      }
      if (res.status >= 500) {
        if (serverErrors >= backoff.length) throw errorFromAnswer(res.status, json, text, true)
        await sleep(backoff[serverErrors++])
        stats.retries++
        continue
      }
      // A Fault is an error even with HTTP 200.
      if (!res.ok || json?.Fault || json?.fault || json === undefined) throw errorFromAnswer(res.status, json, text, false)
      return json
    }
  }

  const resource = (entity: string) => entity.toLowerCase()
  const entityOf = (answer: any, entity: string) => {
    const key = Object.keys(answer).find((k) => k.toLowerCase() === entity.toLowerCase())
    if (!key) {
      throw new QuickBooksError({
        message: `QuickBooks answered without the ${entity}`,
        status: 200,
        code: 'bad_answer',
        faultType: '',
        retryable: false,
      })
    }
    return answer[key]
  }

  return {
    stats,
    async query(entity, where) {
      const rows: any[] = []
      for (let start = 1; ; start += PAGE) {
        const sql = `select * from ${entity}${where ? ` where ${where}` : ''} startposition ${start} maxresults ${PAGE}`
        const answer = await send('GET', 'query', { query: sql })
        const response = answer.QueryResponse ?? {}
        const key = Object.keys(response).find((k) => k.toLowerCase() === entity.toLowerCase())
        const page: any[] = key ? response[key] : []
        rows.push(...page)
        if (page.length < PAGE) return rows
      }
    },
    async read(entity, id) {
      return entityOf(await send('GET', `${resource(entity)}/${encodeURIComponent(id)}`, {}), entity)
    },
    async create(entity, body, requestId) {
      return entityOf(await send('POST', resource(entity), { requestid: requestId }, body), entity)
    },
    async update(entity, body, requestId) {
      return entityOf(await send('POST', resource(entity), { requestid: requestId }, body), entity)
    },
    async voidInvoice(id, syncToken, requestId) {
      const answer = await send('POST', 'invoice', { operation: 'void', requestid: requestId }, { Id: id, SyncToken: syncToken })
      return entityOf(answer, 'Invoice')
    },
    async changedSince(entities, since) {
      const answer = await send('GET', 'cdc', { entities: entities.join(','), changedSince: since.toISOString() })
      const changed: Record<string, any[]> = Object.fromEntries(entities.map((e) => [e, []]))
      for (const block of answer.CDCResponse ?? []) {
        for (const response of block.QueryResponse ?? []) {
          for (const [key, value] of Object.entries(response)) {
            if (!Array.isArray(value)) continue
            const entity = entities.find((e) => e.toLowerCase() === key.toLowerCase()) ?? key
            changed[entity] = [...(changed[entity] ?? []), ...value]
          }
        }
      }
      return changed
    },
    async preferences() {
      return entityOf(await send('GET', 'preferences', {}), 'Preferences')
    },
  }
}
