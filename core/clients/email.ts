import { log } from '../log.js'

/** One email to send. */
export interface EmailMessage {
  to: string
  subject: string
  text: string
  html?: string
  /** The same key never sends twice at the provider. */
  idempotencyKey?: string
}

/** Sends email; the product uses only this interface. */
export interface EmailClient {
  /** False when no provider is configured and messages only reach the log. */
  readonly delivers: boolean
  /** One line for the start banner. */
  describe(): string
  send(message: EmailMessage): Promise<{ id: string }>
}

/** With no provider configured: every email is written to the server log, so nothing is silently lost. */
export function logEmailClient(): EmailClient {
  let n = 0
  return {
    delivers: false,
    describe: () => 'email is off (no provider configured): emails, including sign-in links, are written to the server log',
    async send(message) {
      n += 1
      log('info', 'email not delivered (no provider configured)', { to: message.to, subject: message.subject, text: message.text })
      return { id: `log-${Date.now()}-${n}` }
    },
  }
}
