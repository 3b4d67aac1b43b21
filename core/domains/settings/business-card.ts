import type { Services } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { phoneAsWritten } from '../../vocabulary/phone.js'

/** The business as a customer's quote or invoice page shows it: its name, how to reach it, and whether it has a logo. */
export interface BusinessCard {
  name: string
  email: string | null
  /** As people write it in the business's country, e.g. (256) 555-0100; '' without one. */
  phone: string
  /** The logo's hash, for its address to change with the picture; null without a logo. */
  logo: string | null
}

/** The business card of the transaction's tenant. */
export async function loadBusinessCard(tx: Queryable): Promise<BusinessCard> {
  const r = await tx.query<BusinessCard & { timezone: string }>(
    'select name, reply_to_email as email, phone, logo_sha256 as logo, timezone from tenants where id = app_tenant()',
  )
  const { timezone, ...card } = r.rows[0]
  return { ...card, phone: phoneAsWritten(card.phone, timezone) }
}

/** The logo of the transaction's tenant, its bytes and type; null when it has none. */
export async function readLogo(
  tx: Queryable,
  services: Services,
  tenantId: string,
): Promise<{ bytes: Buffer; contentType: string } | null> {
  const r = await tx.query<{ logo_sha256: string | null; logo_content_type: string | null }>(
    'select logo_sha256, logo_content_type from tenants where id = app_tenant()',
  )
  const row = r.rows[0]
  if (!row?.logo_sha256 || !row.logo_content_type) return null
  return { bytes: await services.documents.get(tx, tenantId, row.logo_sha256), contentType: row.logo_content_type }
}
