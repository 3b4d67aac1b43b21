import type { EmailClient, EmailMessage } from '../../core/clients/email.js'

/** An email client that keeps what it was asked to send, for assertions. */
export interface CapturingEmail extends EmailClient {
  sent: EmailMessage[]
}

/** A capturing email client. */
export function capturingEmail(): CapturingEmail {
  const sent: EmailMessage[] = []
  return {
    sent,
    delivers: true,
    describe: () => 'test capture',
    async send(message) {
      sent.push(message)
      return { id: `captured-${sent.length}` }
    },
  }
}
