import { AppError } from '../kernel/errors.js'

/** What a provider's refusal says: whether trying again can help, and what the provider answered. */
export interface SendErrorFields {
  retryable: boolean
  providerStatus: number | null
  providerCode?: string
  retryAfterSeconds?: number | null
  throttled?: boolean
}

/** A send (an email or a text) the provider refused or could not take; `retryable` says whether trying again later can help. */
export class SendError extends AppError {
  readonly retryable: boolean
  /** The provider's HTTP status; null when it was not reached (network, timeout). */
  readonly providerStatus: number | null
  /** The provider's error name or code (rate_limit_exceeded, 21610, ...), or ours when it was not called (send_turn_too_far). */
  readonly providerCode: string | null
  /** Seconds the provider asked us to wait (429 Retry-After), when it said. */
  readonly retryAfterSeconds: number | null
  /** The provider asked us to slow down (429), or our pacing put the send off: nothing is wrong with the message, it only has to wait its turn. */
  readonly throttled: boolean

  constructor(message: string, opts: SendErrorFields) {
    super('UNAVAILABLE', message, {
      retryable: opts.retryable,
      provider_status: opts.providerStatus,
      provider_code: opts.providerCode ?? null,
    })
    this.name = 'SendError'
    this.retryable = opts.retryable
    this.providerStatus = opts.providerStatus
    this.providerCode = opts.providerCode ?? null
    this.retryAfterSeconds = opts.retryAfterSeconds ?? null
    this.throttled = opts.throttled ?? opts.providerStatus === 429
  }
}
