import { hashSecret, newSecret } from '../../auth/secrets.js'
import { paymentLinkFor } from '../../clients/payments.js'
import type { Services } from '../../context.js'
import { withSignInLookup, withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'

/** The form of a pay link's secret: 32 random bytes, base64url. */
const SECRET = /^[A-Za-z0-9_-]{43}$/

/** Makes the lasting /pay/<secret> address of an invoice, inside the caller's tenant transaction. */
export async function issuePayLink(tx: Queryable, services: Services, tenantId: string, invoiceId: string): Promise<string> {
  const secret = newSecret()
  await tx.query('insert into pay_links (tenant_id, invoice_id, token_hash) values ($1, $2, $3)', [tenantId, invoiceId, hashSecret(secret)])
  return `${services.config.publicBaseUrl}/pay/${secret}`
}

/** What opening a pay link leads to: Stripe's page, or why there is none. */
export type PayLinkOutcome =
  | { kind: 'checkout'; url: string }
  | { kind: 'unknown' }
  | { kind: 'nothing_due'; number: string; status: string; business: string }
  | { kind: 'payments_off'; number: string; business: string; instructions: string }

/**
 * Opens a pay link: the invoice's open checkout page when it still has time, else a new one (made outside any
 * transaction); a paid, void or settled invoice says so instead. Stripe failures are thrown as UNAVAILABLE.
 */
export async function openPayLink(services: Services, secret: string): Promise<PayLinkOutcome> {
  if (!SECRET.test(secret)) return { kind: 'unknown' }
  const tokenHash = hashSecret(secret)
  const found = await withSignInLookup(
    services.db,
    { tokenHash },
    async (tx) =>
      (
        await tx.query<{ tenant_id: string; invoice_id: string }>('select tenant_id, invoice_id from pay_links where token_hash = $1', [
          tokenHash,
        ])
      ).rows[0],
  )
  if (!found) return { kind: 'unknown' }
  const scope = { tenantId: found.tenant_id, actorType: 'system' as const, requestId: `pay-link-${found.invoice_id}` }
  const invoice = await withTenant(services.db, scope, async (tx) => {
    await tx.query('update pay_links set last_opened_at = now() where token_hash = $1', [tokenHash])
    return (
      await tx.query<{ number: string; status: string; business: string; instructions: string }>(
        `select i.number, i.status, t.name as business, t.payment_instructions as instructions
       from invoices i join tenants t on t.id = i.tenant_id where i.id = $1`,
        [found.invoice_id],
      )
    ).rows[0]
  })
  if (!services.payments)
    return { kind: 'payments_off', number: invoice.number, business: invoice.business, instructions: invoice.instructions }
  const url = await paymentLinkFor(services, found.tenant_id, found.invoice_id)
  return url
    ? { kind: 'checkout', url }
    : { kind: 'nothing_due', number: invoice.number, status: invoice.status, business: invoice.business }
}
