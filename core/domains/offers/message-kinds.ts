import type { Queryable } from '../../db/types.js'
import { dateFormat } from '../../text/date-format.js'
import { clockTime } from '../../text/date-words.js'
import type { KindDeclaration, KindHold, KindMessage, RecordValues, TemplateSamples, TemplateVariables } from '../messages/message-kind.js'
import { offerLinkUrl } from './email.js'
import { OFFER_LINK } from './offer-links.js'

/** Times a text lists at most; the page shows them all. */
const TIMES_IN_A_TEXT = 3

/** "Tue Mar 4, 9:00 AM" in a time zone: a time short enough for a text. */
function shortWhen(instant: Date, timeZone: string): string {
  const day = dateFormat('en-US', { timeZone, weekday: 'short', month: 'short', day: 'numeric' }).format(instant).replace(',', '')
  return `${day}, ${clockTime(instant, timeZone)}`
}

/** An offer's text goes only while the offer is open: a booked, withdrawn or expired one is not texted. */
async function offerHold(tx: Queryable, m: KindMessage, now: Date): Promise<KindHold | null> {
  const o = (
    await tx.query<{ status: string; expires_at: Date }>('select status, expires_at from slot_offers where id = $1', [m.slot_offer_id])
  ).rows[0]
  if (!o) return { cancel: 'the offer of times is gone' }
  if (o.status !== 'open') return { cancel: `the offer of times is ${o.status}` }
  return new Date(o.expires_at).getTime() <= now.getTime() ? { cancel: 'the offer of times expired' } : null
}

/**
 * An offer of times by text, for a customer who chose texts: the offer's email goes as it always has, and the text
 * carries a link of its own to the same page, made as it is sent.
 */
export const messageKinds: readonly KindDeclaration[] = [
  {
    kind: 'slot_offer',
    label: 'Offer of times',
    text: { words: '{{business_name}}: we can come {{offer_times}}. Pick a time here: {{offer_link}}', consent: 'service' },
    holdBack: offerHold,
    async issueLinks(tx, services, tenantId, m) {
      const { secret, hash } = OFFER_LINK.mint()
      await tx.query('insert into slot_offer_links (tenant_id, offer_id, token_hash) values ($1, $2, $3)', [
        tenantId,
        m.slot_offer_id,
        hash,
      ])
      return { offer_link: offerLinkUrl(services.config.publicBaseUrl, secret) }
    },
  },
]

/** What an offer gives the text about it: its open times, soonest first, in the business's zone. */
export const messageValues: readonly RecordValues[] = [
  {
    column: 'slot_offer_id',
    async values(tx, id, { settings }) {
      const r = await tx.query<{ starts_at: Date }>(
        'select starts_at from slot_offer_slots where offer_id = $1 and taken_at is null order by starts_at',
        [id],
      )
      const times = r.rows.map((s) => shortWhen(new Date(s.starts_at), settings.timezone))
      const shown = times.length > TIMES_IN_A_TEXT ? [...times.slice(0, TIMES_IN_A_TEXT), 'other times'] : times
      return { offer_times: shown.length > 1 ? `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}` : (shown[0] ?? null) }
    },
  },
]

/** The variables of an offer's text. */
export const templateVariables: TemplateVariables = {
  offer_times: 'In an offer of times: the times still open, soonest first, e.g. Tue Mar 4, 9:00 AM or Wed Mar 5, 1:00 PM',
  offer_link: 'In an offer of times: the link to the page where the customer picks one (made when it is sent)',
}

/** Made-up values of an offer's variables, for a preview. */
export const templateSamples: TemplateSamples = ({ settings, start }) => ({
  offer_times: shortWhen(start, settings.timezone),
  offer_link: '[offer link]',
})
