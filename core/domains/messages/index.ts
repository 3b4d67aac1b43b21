// The messages domain's operations: the registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
import { countOf, registerContactHistory } from '../contacts/history.js'
import { onEvent } from '../../kernel/events.js'
import { scheduleForNewAddress } from './appointment-messages.js'
import { registerStep } from '../../kernel/workflows.js'
import { cancelPendingConfirmations, queueReachOut } from './close-steps.js'

// A customer who gets an email address gets the appointment emails their upcoming visits never had, with the change.
onEvent('contact.email_added', 'in_transaction', scheduleForNewAddress)
// Closing a visit cancels its pending appointment emails and queues the reach-out it asked for.
registerStep('ticket.close', 'messages.cancel-pending-confirmations', cancelPendingConfirmations)
registerStep('ticket.close', 'messages.queue-reach-out', queueReachOut)

// A customer's scheduled messages are history that keeps them from being deleted.
registerContactHistory('scheduled_messages', (tx, id) =>
  countOf(tx, 'select count(*) as n from scheduled_messages where contact_id = $1', id),
)

export * from './actions.js'
export * from './outbox-queries.js'
export * from './preview-queries.js'
export * from './queries.js'
export * from './template-actions.js'
export * from './follow-up-actions.js'
export * from './review-opt-out.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['contacts', 'message-kinds', 'settings']

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['message_templates', 'scheduled_messages', 'response_links']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Emails to customers'
