import type { Webhook as SvixWebhook, WebhookVerificationError } from 'svix'
import type { WebhookDelivery } from '../kernel/plug-in.js'
import { AppError } from '../kernel/errors.js'

/** How far a webhook's timestamp may be from the clock (the svix package's own tolerance): a captured delivery cannot be replayed later. */
const WEBHOOK_TOLERANCE_SECONDS = 5 * 60

/**
 * A delivery signed the Svix way (Resend's webhooks), read from its exact bytes: the signature and timestamp
 * checked by the svix package's Webhook.verify, then the body parsed as JSON. Returns the delivery's id (svix-id) and the parsed body.
 */
export async function readSvixDelivery(
  secret: string,
  delivery: Pick<WebhookDelivery, 'body' | 'header'>,
): Promise<{ eventId: string; parsed: unknown }> {
  // The svix package is forty modules: loaded with the first delivery, not at every start.
  const { Webhook, WebhookVerificationError } = await import('svix')
  const raw = delivery.body
  const headers = {
    'svix-id': delivery.header('svix-id') ?? '',
    'svix-timestamp': delivery.header('svix-timestamp') ?? '',
    'svix-signature': delivery.header('svix-signature') ?? '',
  }
  let webhook: SvixWebhook
  try {
    webhook = new Webhook(secret)
  } catch {
    // A secret that is not base64 (a mistyped setting) can verify nothing: every delivery is refused, as before.
    throw forged('the signing secret set on this server is not a whsec_ secret, so no signature can match')
  }
  let parsed: unknown
  try {
    parsed = webhook.verify(raw, headers)
  } catch (error) {
    if (error instanceof WebhookVerificationError) throw forged(reasonOf(error))
    // Verified, but the body is not JSON (verify parses it once the signature matches).
    if (error instanceof SyntaxError) parsed = undefined
    else throw error
  }
  // An empty body verifies to undefined: no JSON either way.
  if (parsed === undefined) {
    throw new AppError('VALIDATION_ERROR', 'The body is not valid JSON', { issues: [{ field: 'body', message: 'invalid JSON' }] })
  }
  return { eventId: headers['svix-id'], parsed }
}

/** The refusal's words for each of the svix package's verification errors. */
function reasonOf(error: WebhookVerificationError): string {
  if (/missing required headers/i.test(error.message)) return 'the svix-id, svix-timestamp and svix-signature headers are required'
  if (/timestamp|signature headers/i.test(error.message))
    return `the svix-timestamp is not within ${WEBHOOK_TOLERANCE_SECONDS / 60} minutes of now`
  return 'the signature does not match'
}

function forged(why: string): AppError {
  return new AppError('VALIDATION_ERROR', `Webhook refused: ${why}`, { issues: [{ field: 'headers', message: why }] })
}
