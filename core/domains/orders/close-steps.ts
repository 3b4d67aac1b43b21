import type { OperationContext } from '../../context.js'
import type { Workflows } from '../../workflows.js'
import { settleOrderOfTicket } from './model.js'

/** An order whose visits are now all done becomes fulfilled, with the close of its last visit. */
export async function settleOrderOnClose(ctx: OperationContext, close: Workflows['ticket.close']): Promise<void> {
  await settleOrderOfTicket(ctx, close.ticket.id)
}
