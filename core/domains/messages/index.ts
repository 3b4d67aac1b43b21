// The messages domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain, step, handle } from '../../kernel/domain-manifest.js'
import { contactHistoryPlug, countOf } from '../contacts/history.js'
import { scheduleForNewAddress } from './appointment-messages.js'
import { cancelPendingConfirmations, queueReachOut } from './close-steps.js'

export * from './actions.js'
export * from './outbox-queries.js'
export * from './preview-queries.js'
export * from './queries.js'
export * from './template-actions.js'
export * from './follow-up-actions.js'
export * from './review-opt-out.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['contacts', 'message-kinds', 'settings'],
  tables: ['message_templates', 'scheduled_messages', 'response_links'],
  area: 'Emails to customers',
  steps: [
    // Closing a visit cancels its pending appointment emails and queues the reach-out it asked for.
    step('ticket.close', 'messages.cancel-pending-confirmations', cancelPendingConfirmations),
    step('ticket.close', 'messages.queue-reach-out', queueReachOut),
  ],
  events: [
    // A customer who gets an email address gets the appointment emails their upcoming visits never had, with the change.
    handle('contact.email_added', 'in_transaction', scheduleForNewAddress),
  ],
  plugs: [
    // A customer's scheduled messages are history that keeps them from being deleted.
    contactHistoryPlug('scheduled_messages', (tx, id) =>
      countOf(tx, 'select count(*) as n from scheduled_messages where contact_id = $1', id),
    ),
  ],
})
