import type { Services } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { localDate } from '../../vocabulary/time.js'
import { inBusinessOfLink, linkAnswerContext, markLinkUsed, RESPONSE_LINK } from '../messages/response-links.js'
import type { TemplateValues } from '../../text/templating.js'
import { answerQuote, type QuoteAnswer } from './acceptance.js'
import { type BusinessCard, loadBusinessCard, readLogo } from '../settings/business-card.js'

/*
 * A customer answers a quote email with one click, without signing in, through the appointment emails' mechanism
 * (response_links): each link carries its own random secret, the table keeps only its hash, and a link does one thing
 * once. A quote's links last while the quote stands: until it is answered, cancelled or past valid_until.
 */

/** What each quote link does. */
export const QUOTE_LINK_PURPOSES = ['accept', 'decline'] as const satisfies readonly QuoteAnswer[]

/** The kinds of message that carry a quote's accept and decline links. */
export const QUOTE_EMAIL_KINDS: readonly string[] = ['quote', 'quote_follow_up']

/** Where the customer's browser is sent for one link. */
export function quoteLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/quote/${token}`
}

/** The accept and decline links of a quote email, made at delivery inside the worker's tenant transaction; none for a quote no longer sent. */
export async function issueQuoteLinks(
  tx: Queryable,
  services: Services,
  tenantId: string,
  message: { id: string; kind: string; quote_id: string | null },
): Promise<TemplateValues> {
  if (!message.quote_id || !QUOTE_EMAIL_KINDS.includes(message.kind)) return {}
  const q = await tx.query<{ status: string }>('select status from quotes where id = $1', [message.quote_id])
  if (q.rows[0]?.status !== 'sent') return {}
  const links = QUOTE_LINK_PURPOSES.map(() => RESPONSE_LINK.mint())
  // Expires when the quote's last day ends in the business's time zone; the quote's own state is checked as well.
  await tx.query(
    `insert into response_links (tenant_id, message_id, quote_id, purpose, token_hash, expires_at)
     select $1, $2, q.id, link.purpose, link.token_hash, (q.valid_until + 1)::timestamp at time zone b.timezone
     from quotes q join tenants b on b.id = q.tenant_id cross join unnest($4::text[], $5::text[]) as link (purpose, token_hash)
     where q.id = $3`,
    [tenantId, message.id, message.quote_id, QUOTE_LINK_PURPOSES, links.map((l) => l.hash)],
  )
  const values: TemplateValues = {}
  for (const [i, purpose] of QUOTE_LINK_PURPOSES.entries()) {
    values[`quote_${purpose}_link`] = quoteLinkUrl(services.config.publicBaseUrl, links[i].secret)
  }
  return values
}

/** The logo of the business whose quote link this is, whatever the link's state (null when it has none); 'unknown' for no quote link. */
export async function quoteLinkLogo(services: Services, token: string): Promise<{ bytes: Buffer; contentType: string } | null | 'unknown'> {
  const found = await inBusinessOfLink(services, token, undefined, async (tx, { tokenHash, tenantId }) =>
    (await tx.query('select 1 from response_links where token_hash = $1 and quote_id is not null', [tokenHash])).rows.length
      ? { logo: await readLogo(tx, services, tenantId) }
      : null,
  )
  return found ? found.logo : 'unknown'
}

/** Why a quote link cannot be used now. */
export type QuoteLinkProblem = 'unknown' | 'used' | 'expired' | 'answered' | 'cancelled' | 'wrong_purpose'

/** A quote line as the customer's page shows it, with its tax and the rate it was taxed at. */
export interface QuoteViewLine {
  description: string
  quantity: number
  unit_price_cents: number
  price_cents: number
  tax_cents: number
  tax_rate_bp: number
}

/** What the customer's page shows about a link and its quote. */
export interface QuoteLinkView {
  problem: QuoteLinkProblem | null
  purpose?: QuoteAnswer
  businessName?: string
  /** The business as the page shows it at the top: name, phone, email, logo. */
  business?: BusinessCard
  number?: string
  status?: string
  /** YYYY-MM-DD. */
  validUntil?: string
  currency?: string
  /** Words someone wrote on the quote: shown as the business's note, never as a way to pay. */
  notes?: string | null
  lines?: QuoteViewLine[]
  subtotalCents?: number
  taxCents?: number
  totalCents?: number
  /** The order made when the customer accepted through this link. */
  orderNumber?: string
  /** The deposit of the accepted quote's order, when it asks one. */
  deposit?: { tenantId: string; orderId: string; cents: number; paidCents: number }
  /** The quote asked a deposit, but online payments were off when it was accepted, so none is taken. */
  depositWaived?: boolean
}

interface LinkRow {
  id: string
  tenant_id: string
  order_id: string | null
  order_deposit_cents: number | null
  order_deposit_paid_cents: number | null
  deposit_asked: boolean
  quote_id: string
  message_id: string
  purpose: QuoteAnswer
  used_at: Date | null
  number: string
  status: string
  valid_until: string
  currency: string
  notes: string | null
  subtotal_cents: number
  tax_cents: number
  total_cents: number
  business_name: string
  timezone: string
}

/** What a quote link is for and whether it can be used, changing nothing (a mail scanner's GET must not answer for the customer). */
export async function viewQuoteLink(services: Services, token: string): Promise<QuoteLinkView> {
  const view = await inBusinessOfLink(services, token, undefined, async (tx, { tokenHash }) => {
    const link = await loadLink(tx, tokenHash, false)
    return link ? viewOf(tx, link, problemOf(link, services.now())) : null
  })
  return view ?? { problem: 'unknown' }
}

/**
 * Records the customer's answer through a quote link, once: the quote accepted (with its order) or declined, the link
 * used, all audited as the system acting on the customer's click. A link that cannot be used changes nothing and says why.
 */
export async function answerQuoteLink(
  services: Services,
  token: string,
  answer: string,
  note: string,
  requestId: string,
): Promise<QuoteLinkView> {
  const view = await inBusinessOfLink(services, token, requestId, async (tx, { tokenHash, tenantId }) => {
    const link = await loadLink(tx, tokenHash, true)
    if (!link) return null
    const now = services.now()
    const problem = problemOf(link, now) ?? (answer !== link.purpose ? 'wrong_purpose' : null)
    if (problem) return viewOf(tx, link, problem)
    const reasoning = `The customer answered "${link.purpose}" through the link in the quote email ${link.message_id}`
    const ctx = linkAnswerContext(services, tx, tenantId, requestId, reasoning)
    const { order } = await answerQuote(ctx, link.quote_id, link.purpose, note)
    await markLinkUsed(ctx, link.id, now)
    const fresh = (await loadLink(tx, tokenHash, false)) as LinkRow
    return { ...(await viewOf(tx, fresh, null)), orderNumber: order?.number }
  })
  return view ?? { problem: 'unknown' }
}

async function loadLink(tx: Queryable, tokenHash: string, lock: boolean): Promise<LinkRow | null> {
  const r = await tx.query<LinkRow>(
    `select l.id, l.tenant_id, o.id as order_id, o.deposit_cents as order_deposit_cents, o.deposit_paid_cents as order_deposit_paid_cents,
            (q.deposit_cents is not null or q.deposit_percent is not null) as deposit_asked, l.quote_id, l.message_id, l.purpose, l.used_at, q.number, q.status, q.valid_until::text as valid_until, q.currency, q.notes,
            q.subtotal_cents, q.tax_cents, q.total_cents, b.name as business_name, b.timezone
     from response_links l
     join quotes q on q.id = l.quote_id
     join tenants b on b.id = l.tenant_id
     left join orders o on o.quote_id = q.id
     where l.token_hash = $1 ${lock ? 'for update of l, q' : ''}`,
    [tokenHash],
  )
  return r.rows[0] ?? null
}

/** The first reason a link cannot be used now, the quote's own state first; null when it can. */
function problemOf(link: LinkRow, now: Date): QuoteLinkProblem | null {
  if (link.used_at) return 'used'
  if (link.status === 'cancelled') return 'cancelled'
  if (link.status === 'accepted' || link.status === 'declined') return 'answered'
  if (link.status === 'expired') return 'expired'
  if (link.status !== 'sent') return 'unknown'
  if (link.purpose === 'accept' && link.valid_until < localDate(now, link.timezone)) return 'expired'
  return null
}

async function viewOf(tx: Queryable, link: LinkRow, problem: QuoteLinkProblem | null): Promise<QuoteLinkView> {
  const lines = await tx.query<QuoteViewLine>(
    `select description, quantity, unit_price_cents, price_cents, tax_cents, tax_rate_bp
    from quote_line_items where quote_id = $1 order by position, id`,
    [link.quote_id],
  )
  return {
    problem,
    purpose: link.purpose,
    businessName: link.business_name,
    business: await loadBusinessCard(tx),
    number: link.number,
    status: link.status,
    validUntil: link.valid_until,
    currency: link.currency,
    notes: link.notes,
    lines: lines.rows,
    subtotalCents: link.subtotal_cents,
    taxCents: link.tax_cents,
    totalCents: link.total_cents,
    deposit:
      link.order_id && Number(link.order_deposit_cents) > 0
        ? {
            tenantId: link.tenant_id,
            orderId: link.order_id,
            cents: Number(link.order_deposit_cents),
            paidCents: Number(link.order_deposit_paid_cents),
          }
        : undefined,
    depositWaived: Boolean(link.order_id && link.deposit_asked && Number(link.order_deposit_cents) === 0),
  }
}
