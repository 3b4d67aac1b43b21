import type { Queryable } from '../../db/types.js'
import { followUpHold, type KindHold, type KindMessage, type KindDeclaration } from '../messages/message-kind.js'

/** An invoice's email does not go once it is paid. */
async function invoiceHold(tx: Queryable, m: KindMessage): Promise<KindHold | null> {
  const i = (await tx.query<{ number: string; status: string }>('select number, status from invoices where id = $1', [m.invoice_id]))
    .rows[0]
  return i?.status === 'paid' ? { cancel: `invoice ${i.number} is already paid` } : null
}

/** The invoice's email and the reminder that chases it. */
export const messageKinds: readonly KindDeclaration[] = [
  { kind: 'invoice', holdBack: invoiceHold },
  { kind: 'invoice_reminder', holdBack: followUpHold },
]
