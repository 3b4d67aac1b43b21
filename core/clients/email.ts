import { createHash } from 'node:crypto'
import type { Config } from '../kernel/config.js'
import { withTenant } from '../db/tenant.js'
import type { Database } from '../db/types.js'
import { log } from '../kernel/log.js'
import { lazyPackage } from './lazy-package.js'
import { SendError, type SendErrorFields } from './send-error.js'
import { createSendPacer, SendTurnTooFarError, type SendPacer, type SendTurn } from './send-pacer.js'
import { createSharedSendPacer } from './shared-send-pacer.js'

/** The resend package, loaded when sending through Resend. */
const resendPackage = lazyPackage<typeof import('resend')>('resend')

/** One email to send. */
export interface EmailMessage {
  to: string
  subject: string
  text: string
  html?: string
  /** The same key never sends twice at the provider. */
  idempotencyKey?: string
  /** The business the email is from; without one it is system mail (sign-in links), which the outbox never stores. */
  tenantId?: string
  /** Shown as the sender's name instead of the one in EMAIL_FROM (the business name). */
  fromName?: string
  /** Where the customer's replies go (the business's reply-to address). */
  replyTo?: string | null
  /** Headers of the email's own, e.g. List-Unsubscribe on a reach-out. */
  headers?: Record<string, string>
}

/** Sends email; the product uses only this interface. */
export interface EmailClient {
  /** False when no provider is configured and messages only reach the outbox and the log. */
  readonly delivers: boolean
  /** One line for the start banner. */
  describe(): string
  send(message: EmailMessage): Promise<{ id: string }>
}

/** An email the provider refused or could not take (core/clients/send-error.ts says what each field means). */
export class EmailSendError extends SendError {
  constructor(message: string, opts: SendErrorFields) {
    super(message, opts)
    this.name = 'EmailSendError'
  }
}

/** How long one call to the provider may take before it counts as a network failure. */
export const EMAIL_TIMEOUT_MS = 20_000

/**
 * The email client the configuration asks for: Resend with RESEND_API_KEY, paced to RESEND_MAX_PER_SECOND for every
 * process on this database together; else the outbox.
 */
export function emailClientFromConfig(config: Config, db: Database): EmailClient {
  if (config.resendApiKey) {
    const pacer = createSharedSendPacer(db, { sender: resendSenderOf(config.resendApiKey), perSecond: config.resendMaxPerSecond })
    return resendEmailClient({
      apiKey: config.resendApiKey,
      from: config.emailFrom,
      baseUrl: config.resendBaseUrl,
      maxPerSecond: config.resendMaxPerSecond,
      pacer,
      pacerScope: 'every process on this database together',
    })
  }
  return outboxEmailClient(db, config)
}

/** The pacing row of a Resend account: its API key's digest, never the key (the limit is the account's, whichever process sends). */
export function resendSenderOf(apiKey: string): string {
  return `resend:${createHash('sha256').update(apiKey).digest('hex').slice(0, 16)}`
}

/**
 * Sends through Resend, with the message's idempotency key; failures become EmailSendError. Sends take turns from
 * `pacer` (by default this client's own, `maxPerSecond` a second, unlimited when unset), and a 429 holds every send of
 * that pacer for its Retry-After. A turn the pacer will not wait for fails the send as throttled, without calling Resend.
 */
export function resendEmailClient(opts: {
  apiKey: string
  from: string
  baseUrl?: string
  timeoutMs?: number
  maxPerSecond?: number
  pacer?: SendPacer
  pacerScope?: string
}): EmailClient {
  const resend = new (resendPackage().Resend)(opts.apiKey, opts.baseUrl ? { baseUrl: opts.baseUrl.replace(/\/$/, '') } : undefined)
  const timeoutMs = opts.timeoutMs ?? EMAIL_TIMEOUT_MS
  const pacer = opts.pacer ?? createSendPacer(opts.maxPerSecond ?? Infinity)
  return {
    delivers: true,
    describe: () =>
      `sent through Resend${opts.baseUrl ? ` at ${opts.baseUrl}` : ''} from ${opts.from}` +
      (opts.maxPerSecond ? `, at most ${opts.maxPerSecond} per second${opts.pacerScope ? ` for ${opts.pacerScope}` : ''}` : ''),
    async send(message) {
      let turn: SendTurn
      try {
        turn = await pacer.turn()
      } catch (err) {
        if (!(err instanceof SendTurnTooFarError)) throw err
        throw new EmailSendError(`Not sent yet: ${err.message}`, {
          retryable: true,
          providerStatus: null,
          providerCode: 'send_turn_too_far',
          retryAfterSeconds: Math.ceil(err.waitMs / 1000),
          throttled: true,
        })
      }
      let answer: Awaited<ReturnType<typeof resend.emails.send>>
      try {
        answer = await resend.emails.send(
          {
            from: opts.from && message.fromName ? withSenderName(opts.from, message.fromName) : opts.from,
            to: message.to,
            subject: message.subject,
            text: message.text,
            ...(message.html ? { html: message.html } : {}),
            ...(message.replyTo ? { replyTo: message.replyTo } : {}),
            ...(message.headers ? { headers: message.headers } : {}),
          },
          { ...(message.idempotencyKey ? { idempotencyKey: message.idempotencyKey } : {}), signal: AbortSignal.timeout(timeoutMs) },
        )
        if (answer.error?.statusCode === 429) {
          const seconds = retryAfterOf(answer.headers) ?? 1
          log('warn', 'Resend answered 429: every send waits out its Retry-After', {
            retry_after_seconds: seconds,
            provider_code: answer.error.name,
          })
          // Set before the turn ends, so no send takes its place first. The message is put back either way; a hold that
          // could not be stored only means other senders may meet a 429 too.
          await pacer
            .holdFor(seconds)
            .catch((err: unknown) =>
              log('error', 'could not hold sends after a 429', { error: err instanceof Error ? err.message : String(err) }),
            )
        }
      } finally {
        // A turn that cannot be given back frees itself when its lease ends.
        await turn
          .done()
          .catch((err: unknown) => log('error', 'could not end a send turn', { error: err instanceof Error ? err.message : String(err) }))
      }
      const { data, error, headers } = answer
      if (error || !data?.id) throw sendErrorOf(error, headers)
      return { id: data.id }
    },
  }
}

/**
 * With no provider configured: an email of a business is kept in its outbox (and logged), an email with no business
 * (a sign-in link) is written to the server log only, so nothing is silently lost and no sign-in secret is stored.
 */
export function outboxEmailClient(db: Database, config: Pick<Config, 'emailFrom' | 'publicBaseUrl'>): EmailClient {
  let n = 0
  return {
    delivers: false,
    describe: () =>
      `email is off (no RESEND_API_KEY): customers' emails are kept in the outbox (${config.publicBaseUrl}/messages/outbox); ` +
      'sign-in links are written to the server log',
    async send(message) {
      if (!message.tenantId) {
        n += 1
        log('info', 'email not delivered (no provider configured)', { to: message.to, subject: message.subject, text: message.text })
        return { id: `log-${Date.now()}-${n}` }
      }
      const from = message.fromName ? withSenderName(config.emailFrom, message.fromName) : config.emailFrom
      const id = await withTenant(db, { tenantId: message.tenantId, actorType: 'system' }, async (tx) => {
        const inserted = await tx.query<{ id: string }>(
          `insert into email_outbox (tenant_id, to_address, from_address, reply_to, subject, text_body, html_body, idempotency_key)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           on conflict (tenant_id, idempotency_key) where idempotency_key is not null do nothing returning id`,
          [
            message.tenantId,
            message.to,
            from,
            message.replyTo ?? null,
            message.subject,
            message.text,
            message.html ?? null,
            message.idempotencyKey ?? null,
          ],
        )
        if (inserted.rows[0]) return inserted.rows[0].id
        const kept = await tx.query<{ id: string }>('select id from email_outbox where idempotency_key = $1', [message.idempotencyKey])
        return kept.rows[0].id
      })
      log('info', 'email kept in the outbox (no provider configured)', {
        tenant_id: message.tenantId,
        outbox_id: id,
        to: message.to,
        subject: message.subject,
      })
      return { id: `outbox-${id}` }
    },
  }
}

/** "Name <address>" with the given display name, keeping the address of EMAIL_FROM. */
export function withSenderName(from: string, name: string): string {
  const address = from.match(/<([^>]+)>\s*$/)?.[1] ?? from.trim()
  const clean = name
    .replace(/["<>\\]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
  return clean ? `"${clean}" <${address}>` : from
}

/** Resend's error as a typed failure: network, rate limit, server and account problems are worth retrying; the rest are not. */
function sendErrorOf(
  error: { name?: string; message?: string; statusCode?: number | null } | null,
  headers: Record<string, string> | null,
): EmailSendError {
  const status = typeof error?.statusCode === 'number' ? error.statusCode : null
  const code = error?.name ?? 'unknown_error'
  // A wrong or missing API key is the operator's to fix; the message itself is fine, so it waits rather than fails.
  const retryable =
    status === null || status === 429 || status >= 500 || status === 401 || status === 403 || code === 'concurrent_idempotent_requests'
  return new EmailSendError(
    `Resend ${status === null ? 'could not be reached' : `answered ${status}`} (${code}): ${error?.message ?? 'no id returned'}`,
    { retryable, providerStatus: status, providerCode: code, retryAfterSeconds: retryAfterOf(headers) },
  )
}

/** The seconds of a Retry-After header, when it gives a positive number. */
function retryAfterOf(headers: Record<string, string> | null): number | null {
  const seconds = Number(headers?.['retry-after'])
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null
}
