import { paymentsOf } from '../../clients/payments.js'
import { paymentLinkFor } from './payment-link.js'
import type { Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { defineSecretLink } from '../../links/secret-link.js'

/** An invoice's page, /pay/<secret>: it lasts as long as the invoice, each opening stamped. */
export const PAY_LINK = defineSecretLink({
  kind: 'pay_link',
  table: 'pay_links',
  opens: 'one invoice',
  lives: 'forever',
  use: 'counted',
})

/** Makes the lasting /pay/<secret> address of an invoice's page, inside the caller's tenant transaction. */
export async function issuePayLink(tx: Queryable, services: Services, tenantId: string, invoiceId: string): Promise<string> {
  const { secret, hash } = PAY_LINK.mint()
  await tx.query('insert into pay_links (tenant_id, invoice_id, token_hash) values ($1, $2, $3)', [tenantId, invoiceId, hash])
  return `${services.config.publicBaseUrl}/pay/${secret}`
}

/** What Pay on an invoice page leads to: Stripe's page, or why there is none. */
export type PayLinkOutcome =
  | { kind: 'checkout'; url: string }
  | { kind: 'unknown' }
  | { kind: 'nothing_due'; number: string; status: string; business: string }
  | { kind: 'payments_off'; number: string; business: string; instructions: string }

/** The invoice a pay link names, found by its secret across businesses; null for an unknown or malformed secret. */
export async function findPayLink(services: Services, secret: string): Promise<PayLink | null> {
  return PAY_LINK.inBusiness(services, secret, undefined, async (tx, { tenantId, tokenHash }) => {
    const r = await tx.query<{ invoice_id: string }>('select invoice_id from pay_links where token_hash = $1', [tokenHash])
    return r.rows[0] ? { tenantId, invoiceId: r.rows[0].invoice_id, tokenHash } : null
  })
}

/** A known pay link: its business, its invoice and the hash of its secret. */
export interface PayLink {
  tenantId: string
  invoiceId: string
  tokenHash: string
}

/** The transaction scope in which the system reads a pay link's invoice. */
export function payLinkScope(link: PayLink) {
  return { tenantId: link.tenantId, actorType: 'system' as const, requestId: `pay-link-${link.invoiceId}` }
}

/**
 * Pay on an invoice page: the invoice's open checkout page when it still has time, else a new one (made outside any
 * transaction); a paid, void or settled invoice says so instead. Stripe failures are thrown as UNAVAILABLE.
 */
export async function openPayLink(services: Services, secret: string): Promise<PayLinkOutcome> {
  const found = await findPayLink(services, secret)
  if (!found) return { kind: 'unknown' }
  const invoice = await withTenant(services.db, payLinkScope(found), async (tx) => {
    await PAY_LINK.recordUse(tx, found.tokenHash, services.now())
    return (
      await tx.query<{ number: string; status: string; business: string; instructions: string }>(
        `select i.number, i.status, t.name as business, t.payment_instructions as instructions
       from invoices i join tenants t on t.id = i.tenant_id where i.id = $1`,
        [found.invoiceId],
      )
    ).rows[0]
  })
  if (!paymentsOf(services))
    return { kind: 'payments_off', number: invoice.number, business: invoice.business, instructions: invoice.instructions }
  const url = await paymentLinkFor(services, found.tenantId, found.invoiceId)
  return url
    ? { kind: 'checkout', url }
    : { kind: 'nothing_due', number: invoice.number, status: invoice.status, business: invoice.business }
}
