import { randomBytes } from 'node:crypto'
import type { Config } from '../../core/kernel/config.js'
import type { SeenRequest } from '../../core/monitoring/doctor-facts.js'
import { envelopeOf, probe, type ProbeAnswer } from './http-probe.js'
import { type CheckItem, fail, ok, warn } from './item.js'
import type { PublicReading } from './public-url.js'
import { askServer, type ServerReading } from './sources.js'

/** The header the server notes a probe under (api/monitoring/doctor-probes.ts). */
const PROBE_HEADER = 'x-crm-doctor-probe'

/**
 * proxy: a request through PUBLIC_BASE_URL reaches this server, and the server believes the proxy as TRUST_PROXY says:
 * it saw https when the public address is https, and this machine's address as the client. The request carries a
 * random probe id; unless it carries CRM_METRICS_TOKEN the server does not answer it, but notes what it saw under the
 * id, and the doctor reads that back over its direct connection.
 */
export async function proxyItem(config: Config, server: ServerReading, publicUrl: PublicReading, timeoutMs: number): Promise<CheckItem> {
  if (!publicUrl.ok) return warn('proxy', 'not checked: PUBLIC_BASE_URL does not answer (see public_url)', 'Fix public_url first.')
  const id = randomBytes(16).toString('hex')
  const token = config.metricsToken
  let answer: ProbeAnswer
  try {
    answer = await probe(`${config.publicBaseUrl}/healthz/doctor`, {
      headers: { [PROBE_HEADER]: id, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      timeoutMs,
    })
  } catch (err) {
    return warn(
      'proxy',
      `not checked: ${config.publicBaseUrl}/healthz/doctor did not answer (${(err as Error).message})`,
      'Fix public_url first.',
    )
  }
  const envelope = envelopeOf(answer)
  let seen: SeenRequest | null = answer.status === 200 && envelope?.success ? (envelope.data.seen as SeenRequest) : null
  if (!seen) {
    if (!server.ok) return warn('proxy', `not checked: ${server.problem}`, server.fix)
    const back = await askServer(server.url, config, timeoutMs, id)
    if (!back.ok) return warn('proxy', `not checked: ${back.problem}`, back.fix)
    seen = back.facts.probe
  }
  if (!seen) {
    return warn(
      'proxy',
      `a request through ${config.publicBaseUrl} did not reach the server at ${server.url}: the proxy sends it elsewhere (another server process, or another machine)`,
      "Check the proxy's upstream (Caddy: reverse_proxy 127.0.0.1:PORT), or give the doctor the address the proxy sends to with --url.",
    )
  }
  return judge(config, seen, answer.localAddress)
}

/** What the server saw of the doctor's request through the public address, against what it should have seen. */
function judge(config: Config, seen: SeenRequest, ownAddress: string): CheckItem {
  const https = new URL(config.publicBaseUrl).protocol === 'https:'
  const viaProxy = seen.proxy_headers.length > 0
  const trust = config.trustProxy
  const suggested =
    seen.remote.startsWith('127.') || seen.remote === '::1' || seen.remote.startsWith('::ffff:127.') ? 'loopback' : seen.remote
  const saw = `the server saw ${seen.protocol} from ${seen.ip} for host ${seen.host}`
  if (!viaProxy) {
    if (https) {
      return fail(
        'proxy',
        `${saw}, with no proxy header: whatever answers ${config.publicBaseUrl} does not say the request came over https`,
        "Have the proxy send X-Forwarded-For and X-Forwarded-Proto (Caddy's reverse_proxy does by itself).",
      )
    }
    if (trust === true || typeof trust === 'number') {
      return warn(
        'proxy',
        `no proxy is in front of the server, yet TRUST_PROXY=${trust} believes any X-Forwarded-For: a client can name its own address and get past the rate limits`,
        "Unset TRUST_PROXY while no proxy is in front (or name the proxy's address when one is).",
      )
    }
    return ok('proxy', `no proxy in front of the server: ${saw}, as it connected`)
  }
  if (https && seen.protocol !== 'https') {
    return fail(
      'proxy',
      `${saw} behind the proxy at ${seen.remote}: TRUST_PROXY=${trust === false ? '(unset)' : trust} does not believe it, so the server takes every request for plain http from the proxy (rate limits count the proxy as one client)`,
      `Set TRUST_PROXY=${suggested} (the proxy's address) in the server's environment and restart it.`,
    )
  }
  if (sameAddress(seen.ip, seen.remote) && !sameAddress(seen.ip, ownAddress)) {
    return fail(
      'proxy',
      `${saw}: the proxy's own address, not this machine's (${ownAddress}); TRUST_PROXY=${trust === false ? '(unset)' : trust} does not believe it`,
      `Set TRUST_PROXY=${suggested} (the proxy's address) in the server's environment and restart it.`,
    )
  }
  if (ownAddress && !sameAddress(seen.ip, ownAddress)) {
    return warn(
      'proxy',
      `${saw}, but this machine connected as ${ownAddress}: with another proxy or a CDN in front of this one, TRUST_PROXY must name it too`,
      "Add the outer proxy's addresses to TRUST_PROXY (or a hop count: TRUST_PROXY=2), so the server counts the real client.",
    )
  }
  return ok('proxy', `through ${config.publicBaseUrl} ${saw}, this machine's address, as TRUST_PROXY=${trust} says`)
}

/** Two spellings of one address (::ffff:127.0.0.1 and 127.0.0.1). */
function sameAddress(a: string, b: string): boolean {
  const plain = (x: string) => (x.startsWith('::ffff:') ? x.slice(7) : x)
  return plain(a) === plain(b)
}
