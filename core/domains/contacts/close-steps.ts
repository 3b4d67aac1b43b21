import type { OperationContext } from '../../context.js'
import type { Workflows } from '../../workflows.js'
import { refreshContactLifecycles } from './lifecycle.js'

/** A closed visit can make its customer a customer again: their lifecycle is placed anew, with the close. */
export async function refreshLifecycleOnClose(ctx: OperationContext, close: Workflows['ticket.close']): Promise<void> {
  await refreshContactLifecycles(ctx, [close.ticket.contact_id])
}
