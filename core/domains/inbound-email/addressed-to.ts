import type { Services } from '../../kernel/context.js'
import { withTenant } from '../../db/tenant.js'
import { isUuid } from '../../kernel/schema-types.js'
import { addressesOf } from '../interactions/email/words.js'
import { inboundEmailSettingsOf } from './settings.js'

/** The recipients of an email as its provider lists them. */
export interface Recipients {
  to: string[]
  cc: string[]
  /** Resend's webhook lists the Bcc recipients at the receiving domain: the business may be addressed only there. */
  bcc: string[]
  /** The addresses the provider says it received the email for, when it says so. */
  receivedFor: string[]
}

/** The businesses here an email is addressed to, and the addresses at the receiving domain it names (the log's why). */
export interface Addressed {
  businesses: string[]
  atDomain: string[]
}

/**
 * Every business an email is addressed to: each address at the receiving domain, in To, Cc, Bcc or the provider's
 * received-for list, whose name (a +tag ignored) is the id of a business here, in the order they come.
 */
export async function businessesAddressed(services: Services, recipients: Recipients): Promise<Addressed> {
  const domain = inboundEmailSettingsOf(services).domain
  const atDomain = [...recipients.to, ...recipients.cc, ...recipients.bcc, ...recipients.receivedFor]
    .flatMap((a) => addressesOf(a))
    .map((a) => withoutTag(a).address)
    .filter((a) => a.endsWith(`@${domain}`))
  const businesses: string[] = []
  for (const id of new Set(atDomain.map((a) => a.slice(0, a.lastIndexOf('@')).toLowerCase()).filter(isUuid))) {
    const found = await withTenant(services.db, { tenantId: id, actorType: 'system' }, (tx) =>
      tx.query('select 1 from tenants where id = app_tenant()'),
    )
    if (found.rows.length) businesses.push(id)
  }
  return { businesses, atDomain: [...new Set(atDomain)] }
}

/** An address without its +tag (name+anything@domain is name@domain). */
export function withoutTag<T extends { address: string }>(a: T): T {
  return { ...a, address: a.address.replace(/\+[^@]*@/, '@') }
}
