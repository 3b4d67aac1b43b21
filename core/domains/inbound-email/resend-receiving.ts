import type { Config } from '../../kernel/config.js'
import { AppError } from '../../kernel/errors.js'
import { EMAIL_TIMEOUT_MS } from '../../clients/email.js'
import { lazyPackage } from '../../clients/lazy-package.js'

const resendPackage = lazyPackage<typeof import('resend')>('resend')

/** A received email as Resend's Receiving API answers it (GET /emails/receiving/{id}), the parts the product reads. */
export interface ReceivedEmail {
  id: string
  from: string
  to: string[]
  cc: string[] | null
  subject: string | null
  created_at: string
  text: string | null
  html: string | null
  headers: Record<string, string> | null
  message_id: string | null
}

/**
 * Reads a received email's body and headers from Resend (the webhook carries only its metadata), with RESEND_API_KEY at
 * RESEND_BASE_URL. Fails as UNAVAILABLE when it cannot, so the provider delivers the webhook again later.
 */
export async function readReceivedEmail(config: Pick<Config, 'resendApiKey' | 'resendBaseUrl'>, id: string): Promise<ReceivedEmail> {
  if (!config.resendApiKey) {
    throw new AppError('UNAVAILABLE', "Inbound email cannot read this email's body: set RESEND_API_KEY (Resend's webhook carries none)")
  }
  const base = config.resendBaseUrl?.replace(/\/$/, '')
  const resend = new (resendPackage().Resend)(config.resendApiKey, base ? { baseUrl: base } : undefined)
  let answer: Awaited<ReturnType<typeof resend.emails.receiving.get>>
  try {
    answer = await resend.emails.receiving.get(encodeURIComponent(id), {}, { signal: AbortSignal.timeout(EMAIL_TIMEOUT_MS) })
  } catch (err) {
    throw new AppError(
      'UNAVAILABLE',
      `Resend could not be reached for the received email: ${err instanceof Error ? err.message : String(err)}`,
    )
  }
  if (answer.error || !answer.data) {
    throw new AppError('UNAVAILABLE', `Resend did not give the received email ${id}: ${answer.error?.message ?? 'no answer'}`)
  }
  return answer.data as unknown as ReceivedEmail
}
