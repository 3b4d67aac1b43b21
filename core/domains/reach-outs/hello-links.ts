import type { Services } from '../../context.js'
import type { Queryable } from '../../db/types.js'
import { defineSecretLink } from '../../links/secret-link.js'

/** A throwaway link that greets a customer. */
export const HELLO_LINK = defineSecretLink({
  kind: 'reach_out_hello',
  table: 'reach_out_hello_links',
  opens: 'a greeting to one customer',
  lives: 'forever',
  use: 'lasting',
})

/** Makes a hello link for a customer. */
export async function issueHelloLink(tx: Queryable, services: Services, tenantId: string, contactId: string): Promise<string> {
  const { secret, hash } = HELLO_LINK.mint()
  await tx.query('insert into reach_out_hello_links (tenant_id, contact_id, token_hash) values ($1, $2, $3)', [tenantId, contactId, hash])
  return `${services.config.publicBaseUrl}/hello/${secret}`
}

/** The customer's name, or null for an unknown link. */
export async function viewHelloLink(services: Services, secret: string): Promise<string | null> {
  return HELLO_LINK.inBusiness(services, secret, undefined, async (tx, { tokenHash }) => {
    const r = await tx.query<{ name: string }>(
      'select c.display_name as name from reach_out_hello_links l join contacts c on c.id = l.contact_id where l.token_hash = $1',
      [tokenHash],
    )
    return r.rows[0]?.name ?? null
  })
}
