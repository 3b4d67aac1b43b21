import { atMostEvery, type Capability } from '../../kernel/plug-in.js'
import { runAutopay } from './autopay.js'
import { failedPaymentsBriefingLine } from './briefing.js'

/** How often a worker looks for invoices to charge: due dates are days, so a minute is on time and keeps retries prompt. */
const EVERY_MS = 60 * 1000

/** What saved cards plug in: the autopay run, the briefing line of failed payments, and the owner's page of them. */
export const autopayCapability: Capability = {
  name: 'autopay',
  jobs: [{ name: 'autopay', failure: 'charging saved cards failed', pass: atMostEvery(EVERY_MS, runAutopay) }],
  briefing: failedPaymentsBriefingLine,
  places: [
    {
      title: 'Failed payments',
      path: '/payments/failed',
      about: 'Card charges that were declined or wait for the customer, and what is still owed',
      words: ['failed payments', 'declined', 'autopay', 'card on file', 'retry charge'],
      roles: ['owner'],
    },
  ],
}
