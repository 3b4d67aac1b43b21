import type { OperationContext } from '../../kernel/context.js'
import { refreshContactLifecycles } from './lifecycle.js'

/** What this step reads of a visit's close (tickets holds its close to it). */
export interface LifecycleClose {
  ticket: { contact_id: string }
}

/** A closed visit can make its customer a customer again: their lifecycle is placed anew, with the close. */
export async function refreshLifecycleOnClose(ctx: OperationContext, close: LifecycleClose): Promise<void> {
  await refreshContactLifecycles(ctx, [close.ticket.contact_id])
}
