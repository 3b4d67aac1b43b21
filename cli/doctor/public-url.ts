import type { Config } from '../../core/kernel/config.js'
import { type CheckItem, fail, ok, warn } from './item.js'
import { envelopeOf, ProbeError, probe, type ProbeAnswer } from './http-probe.js'
import { startAdvice } from './start-advice.js'

/** The answer of PUBLIC_BASE_URL's /healthz, or why there is none (a TLS error's code among them). */
export type PublicReading = { ok: true; answer: ProbeAnswer } | { ok: false; code: string; message: string }

/** A certificate this close to its end is worth a warning: automatic renewal normally happens a month ahead. */
const RENEW_WARNING_DAYS = 14

/** What each TLS refusal of Node means, and what fixes it. */
const TLS_REASONS: Record<string, { reason: string; fix: string }> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: {
    reason: 'the certificate is self-signed, so no browser, phone or provider trusts it',
    fix: "Serve a certificate from a public CA: Caddy gets one from Let's Encrypt by itself for a public name that points at this machine (docs/deploy.md).",
  },
  SELF_SIGNED_CERT_IN_CHAIN: {
    reason: 'the certificate comes from a private CA that is not trusted here (nor by browsers, phones or providers)',
    fix: 'Serve a certificate from a public CA (Caddy does it by itself for a public name); for a test with a private CA, start the doctor with NODE_EXTRA_CA_CERTS=<the CA>.',
  },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: {
    reason: 'the certificate comes from a CA that is not trusted here',
    fix: 'Serve a certificate from a public CA, with its full chain (Caddy does both by itself).',
  },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    reason:
      'nothing trusted here vouches for the certificate: it comes from a private CA, or its chain is incomplete (the intermediate certificate is not served)',
    fix: 'Serve a certificate from a public CA with its full chain (fullchain.pem, not cert.pem), or let Caddy manage it; for a test with a private CA, start the doctor with NODE_EXTRA_CA_CERTS=<the CA>.',
  },
  CERT_HAS_EXPIRED: {
    reason: 'the certificate has expired',
    fix: "Renew it; Caddy renews by itself when it can reach Let's Encrypt (look at its log: journalctl -u caddy).",
  },
  CERT_NOT_YET_VALID: {
    reason: "the certificate is not valid yet (or this machine's clock is behind)",
    fix: 'Check the clock (timedatectl), then the certificate.',
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    reason: 'the certificate is for other names than this one',
    fix: 'Serve a certificate for the name in PUBLIC_BASE_URL (Caddy: put that name as the site address), or set PUBLIC_BASE_URL to the name the certificate has.',
  },
}

/** Asks PUBLIC_BASE_URL for /healthz, as a customer's phone or a provider's webhook would reach the server. */
export async function readPublicUrl(config: Config, timeoutMs: number): Promise<PublicReading> {
  try {
    return { ok: true, answer: await probe(`${config.publicBaseUrl}/healthz`, { timeoutMs }) }
  } catch (err) {
    if (err instanceof ProbeError) return { ok: false, code: err.code, message: err.message }
    return { ok: false, code: 'EPROTO', message: err instanceof Error ? err.message : String(err) }
  }
}

/**
 * public_url: PUBLIC_BASE_URL is https, answers /healthz as this product does, and with a certificate Node trusts.
 * `serverListens` is whether anything answered the doctor on the server's own address: when nothing did, an address
 * that does not answer (or a proxy with nothing behind it) is fixed by starting the server, not by changing the address.
 */
export function publicUrlItem(config: Config, reading: PublicReading, now: Date, serverListens: boolean): CheckItem {
  const base = config.publicBaseUrl
  const url = new URL(base)
  const https = url.protocol === 'https:'
  const setHttps =
    'Put the server behind a reverse proxy that holds a certificate (Caddy, docs/deploy.md) and set PUBLIC_BASE_URL=https://<your name>; set TRUST_PROXY=loopback with the proxy on this machine.'
  const notRunning = ' (no server answers on its own address either: see server)'
  if (!reading.ok) {
    const tls = TLS_REASONS[reading.code]
    if (tls) return fail('public_url', `${base} refuses a secure connection: ${tls.reason} (${reading.code})`, tls.fix)
    const problem = `${base} does not answer: ${reading.message} (${reading.code})`
    if (!serverListens) return fail('public_url', `${problem}${notRunning}`, startAdvice(config))
    return fail(
      'public_url',
      problem,
      https
        ? 'Check that the name points at this machine (DNS), that the proxy runs and port 443 is open, and that PUBLIC_BASE_URL is the address people use.'
        : setHttps,
    )
  }
  const { answer } = reading
  const envelope = envelopeOf(answer)
  if (answer.status !== 200 || envelope?.data?.status !== 'ok') {
    const problem = `${base}/healthz answered ${answer.status} ${String(answer.headers['content-type'] ?? '')}, not this server's health answer`
    if (!serverListens) return fail('public_url', `${problem}${notRunning}`, startAdvice(config))
    return fail(
      'public_url',
      `${problem}: the proxy does not send this address to the server`,
      "Point the proxy at the server's own address (Caddy: reverse_proxy 127.0.0.1:3000) for every path of the site.",
    )
  }
  if (!https) {
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.')
    const why = 'over plain http: sign-in cookies are not Secure, and emailed links, sign-in and payments travel unencrypted'
    if (loopback) return warn('public_url', `${base} answers, but only on this machine and ${why}`, setHttps)
    return fail('public_url', `${base} answers ${why}`, setHttps)
  }
  const cert = answer.certificate
  if (cert) {
    const days = Math.floor((cert.validTo.getTime() - now.getTime()) / 86_400_000)
    const until = `valid until ${cert.validTo.toISOString().slice(0, 10)}${cert.issuer ? `, from ${cert.issuer}` : ''}`
    if (days < RENEW_WARNING_DAYS)
      return warn(
        'public_url',
        `${base} answers over https, but its certificate ends in ${days} days (${until})`,
        TLS_REASONS.CERT_HAS_EXPIRED.fix,
      )
    return ok('public_url', `${base} answers over https with a trusted certificate (${until})`)
  }
  return ok('public_url', `${base} answers over https with a trusted certificate`)
}
