/** One answer of the office's traffic: what was asked, and the status or the failure that came back. */
import { nameTag } from '../../bench/name-tag.js'
export interface OfficeAnswer {
  kind: OfficeKind
  /** 0 when no HTTP answer came (the connection failed). */
  status: number
  at: number
  /** The created record's id, on a 2xx answer to a create. */
  id?: string
  failure?: string
  /** The error envelope's code and message, on an error answer from the product. */
  error?: string
}

/** Of every ten requests: two lists, three customers by id, two days of visits, one search, one new customer, one visit. */
const KINDS = ['list', 'list', 'customer', 'customer', 'customer', 'day', 'day', 'search', 'contact.create', 'ticket.create'] as const

/** A kind of request the office sends. */
export type OfficeKind = (typeof KINDS)[number]

/** What the office reads and books with. */
export interface OfficeValues {
  token: string
  contactIds: string[]
  names: string[]
  serviceId: string
  /** A day (YYYY-MM-DD) the visits are booked on and read from. */
  day: string
}

/** Clients sending the office's mix back to back until stopped. */
export interface OfficeTraffic {
  answers: OfficeAnswer[]
  stop(): Promise<OfficeAnswer[]>
}

/** Starts `clients` clients sending the mix to baseUrl, each answer bounded by boundMs. */
export function startOfficeTraffic(baseUrl: string, v: OfficeValues, clients: number, boundMs: number, label: string): OfficeTraffic {
  const answers: OfficeAnswer[] = []
  let stopped = false
  let n = 0
  const one = async (): Promise<void> => {
    const i = n++
    const kind = KINDS[i % KINDS.length]
    const { path, body } = requestOf(kind, v, `${label}${i}`, i)
    try {
      const res = await fetch(baseUrl + path, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${v.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(boundMs),
      })
      const json = (await res.json().catch(() => null)) as { data?: { id?: string }; error?: { code: string; message: string } } | null
      const id = body && res.ok ? json?.data?.id : undefined
      const error = json?.error ? `${json.error.code}: ${json.error.message}` : undefined
      answers.push({ kind, status: res.status, at: Date.now(), ...(id ? { id } : {}), ...(error ? { error } : {}) })
    } catch (err) {
      answers.push({ kind, status: 0, at: Date.now(), failure: err instanceof Error ? `${err.name}: ${err.message}` : String(err) })
    }
  }
  const loops = Array.from({ length: clients }, async () => {
    while (!stopped) await one()
  })
  return {
    answers,
    async stop() {
      stopped = true
      await Promise.all(loops)
      return answers
    },
  }
}

function requestOf(kind: OfficeKind, v: OfficeValues, unique: string, i: number): { path: string; body?: unknown } {
  const pick = <T>(xs: T[]) => xs[i % xs.length]
  switch (kind) {
    case 'list':
      return { path: '/api/data?type=contacts&limit=25' }
    case 'customer':
      return { path: `/api/data?type=contacts&id=${pick(v.contactIds)}` }
    case 'day':
      return { path: `/api/data?type=tickets&date=${v.day}` }
    case 'search':
      return { path: `/api/data?type=search&q=${encodeURIComponent(pick(v.names))}` }
    case 'contact.create':
      return {
        path: '/api/actions',
        body: {
          domain: 'contact',
          action: 'create',
          data: { display_name: `Office Customer ${nameTag(unique)}`, email: `office.${unique}@load.test` },
        },
      }
    case 'ticket.create':
      return {
        path: '/api/actions',
        body: {
          domain: 'ticket',
          action: 'create',
          data: { contact_id: pick(v.contactIds), scheduled_start: `${v.day}T15:00:00Z`, line_items: [{ service_id: v.serviceId }] },
        },
      }
  }
}
