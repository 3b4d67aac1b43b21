import type { Request } from 'express'
import type { SeenRequest } from '../../core/monitoring/doctor-facts.js'
import { proxyHeadersOf } from './operator-access.js'

/** The header carrying the doctor's probe id on its request through the public URL. */
export const PROBE_HEADER = 'x-crm-doctor-probe'

/** A probe id: 32 hex characters the doctor makes at random. */
const PROBE_ID = /^[0-9a-f]{32}$/

/** How long a probe is kept for the doctor to ask about it, and how many at most (anyone may send one). */
const KEEP_MS = 60_000
const KEEP_AT_MOST = 32

/** What the server saw of requests that carried a probe id, kept a minute for the doctor to read back over loopback. */
export interface DoctorProbes {
  /** Keeps what the server saw of the request, when it carries a well-formed probe id. */
  note(req: Request): void
  /** What was seen under this id, once: it is forgotten as it is read. */
  take(id: unknown): SeenRequest | null
}

/** What express made of a request under TRUST_PROXY: its protocol, client address and host, and the proxy headers it carried. */
export function seenOf(req: Request): SeenRequest {
  return {
    protocol: req.protocol,
    ip: req.ip ?? '',
    host: (req.hostname ?? '').slice(0, 253),
    remote: req.socket.remoteAddress ?? '',
    proxy_headers: proxyHeadersOf(req),
  }
}

/**
 * The probes of one server process. The doctor's request through the public URL comes through the proxy, so it may not
 * read the doctor's facts (unless it carries CRM_METRICS_TOKEN); the server notes what it saw of it under its probe id,
 * and the doctor reads that back over its direct loopback connection.
 */
export function doctorProbes(): DoctorProbes {
  const seen = new Map<string, { at: number; request: SeenRequest }>()
  return {
    note(req) {
      const id = req.get(PROBE_HEADER)
      if (!id || !PROBE_ID.test(id)) return
      const now = Date.now()
      for (const [key, kept] of seen) if (now - kept.at > KEEP_MS || seen.size >= KEEP_AT_MOST) seen.delete(key)
      seen.set(id, { at: now, request: seenOf(req) })
    },
    take(id) {
      if (typeof id !== 'string' || !PROBE_ID.test(id)) return null
      const kept = seen.get(id)
      seen.delete(id)
      return kept && Date.now() - kept.at <= KEEP_MS ? kept.request : null
    },
  }
}
