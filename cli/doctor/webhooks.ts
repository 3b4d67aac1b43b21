import type { Config } from '../../core/kernel/config.js'
import type { WebhookSetup } from '../../core/monitoring/webhooks.js'
import { envelopeOf, probe } from './http-probe.js'
import { type CheckItem, fail, off, ok, warn } from './item.js'

/** The answers of a webhook that works: a delivery without a signature is refused by the product itself. */
const REFUSALS = new Set(['VALIDATION_ERROR', 'UNAUTHENTICATED'])

/**
 * webhook_<name>, one per provider: off when the integration is; else its secret is set, and an unsigned delivery sent to
 * its address through PUBLIC_BASE_URL is refused by the product (400 or 401 in the envelope), as a webhook should be,
 * not answered by something else (a 404 or 502 of the proxy, an HTML page).
 */
export async function webhookItems(
  config: Config,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  serverListens: boolean,
): Promise<CheckItem[]> {
  // The webhooks include the capabilities', which are found with the domains: loaded here, only when the doctor runs.
  const { webhookSetups } = await import('../../core/monitoring/webhooks.js')
  return Promise.all(webhookSetups(config, env).map((setup) => webhookItem(config, setup, timeoutMs, serverListens)))
}

/** The fix when nothing listens on the server's own address: no proxy setting makes a stopped server answer. */
const START_FIRST = 'Start the server first (see server): nothing answers on its own address.'

async function webhookItem(config: Config, w: WebhookSetup, timeoutMs: number, serverListens: boolean): Promise<CheckItem> {
  const check = `webhook_${w.name}`
  const url = `${config.publicBaseUrl}${w.path}`
  if (!w.on) return off(check, `${w.label} is off in this configuration`)
  if (!w.secretSet) {
    const item = w.withoutSecret.status === 'fail' ? fail : warn
    return item(
      check,
      `${w.secretVariable} is not set: ${w.withoutSecret.effect}`,
      `In ${w.setUpAt}, add the endpoint ${url} and set ${w.secretVariable} to its signing secret in the server's environment.`,
    )
  }
  let status: number
  let envelope: ReturnType<typeof envelopeOf>
  let kind: string
  try {
    const answer = await probe(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs })
    status = answer.status
    envelope = envelopeOf(answer)
    kind = String(answer.headers['content-type'] ?? 'no content type')
  } catch (err) {
    return fail(check, `${url} does not answer: ${(err as Error).message}`, serverListens ? 'Fix public_url first.' : START_FIRST)
  }
  if (envelope?.error && REFUSALS.has(envelope.error.code) && (status === 400 || status === 401)) {
    return ok(check, `${url} reaches the server, which refuses an unsigned delivery (${status}), as it should`)
  }
  if (envelope?.error?.code === 'UNAVAILABLE') {
    return fail(
      check,
      `${url} reaches the server, which says: ${envelope.error.message}`,
      `Set ${w.secretVariable ?? 'the variables it names'} in the server's own environment (the doctor sees it set here) and restart the server.`,
    )
  }
  return fail(
    check,
    `${url} answered ${status} (${kind}) to an unsigned delivery: not the product's refusal, so ${w.label}'s deliveries do not reach the server`,
    serverListens
      ? `Have the proxy send every path of ${config.publicBaseUrl}, ${w.path} among them, to the server (Caddy: one reverse_proxy for the whole site).`
      : START_FIRST,
  )
}
