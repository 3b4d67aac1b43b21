import type { OperationContext } from '../../kernel/context.js'
import type { VisitClose } from '../tickets/close-workflow.js'
import { settleOrderOfTicket } from './model.js'

/** An order whose visits are now all done becomes fulfilled, with the close of its last visit. */
export async function settleOrderOnClose(ctx: OperationContext, close: VisitClose): Promise<void> {
  await settleOrderOfTicket(ctx, close.ticket.id)
}
