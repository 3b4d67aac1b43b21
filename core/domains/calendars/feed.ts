import { createHash } from 'node:crypto'
import { hashSecret } from '../../auth/secrets.js'
import type { Services } from '../../kernel/context.js'
import { businessOfSecret } from '../../db/secret-lookups.js'
import { CALENDAR_FEED_LINK } from './feed-links.js'
import { withSignInLookup, withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { redactSensitive } from '../../kernel/redact.js'
import { escapeText, serializeCalendar, utcStamp, type IcalLine } from './ical.js'
import { FEED_SECRET } from './model.js'

/** How far back and ahead a feed reaches: recent history for reference, half a year of bookings ahead. */
const DAYS_BACK = 30
const DAYS_AHEAD = 180
/** A bound on one response; far beyond what one small business books in that window. */
const MAX_EVENTS = 5000
const DAY_MS = 86_400_000

/** A feed ready to send: the iCalendar text, a strong validator of it, and when its newest event last changed. */
export interface CalendarFeed {
  body: string
  etag: string
  lastModified: Date
}

/** One ticket as a feed shows it. */
interface FeedTicket {
  id: string
  number: number
  status: string
  confirmation_status: string
  scheduled_start: Date
  scheduled_end: Date
  created_at: Date
  changed_at: Date
  version: number
  notes: string | null
  cancel_reason: string | null
  contact_name: string
  phone: string | null
  line1: string | null
  line2: string | null
  city: string | null
  state: string | null
  postal_code: string | null
  access_notes: string | null
  services: string[]
  technicians: string | null
}

/**
 * The calendar behind a feed secret, or null when the secret is unknown or revoked (the caller answers 404 and says no
 * more). A technician's feed holds the tickets assigned to them; the business feed holds every ticket.
 */
export async function openCalendarFeed(services: Services, secret: string): Promise<CalendarFeed | null> {
  if (!FEED_SECRET.test(secret)) return null
  const tokenHash = hashSecret(secret)
  const found = await withSignInLookup(
    services.db,
    { tokenHash },
    async (tx) =>
      (
        await tx.query<{ tenant_id: string; id: string }>(
          'select tenant_id, id from calendar_feeds where tenant_id = $2 and token_hash = $1 and revoked_at is null',
          [tokenHash, await businessOfSecret(tx, CALENDAR_FEED_LINK.lookupKind, tokenHash)],
        )
      ).rows[0],
  )
  if (!found) return null
  const scope = { tenantId: found.tenant_id, actorType: 'system' as const, requestId: `calendar-feed-${found.id}` }
  return withTenant(services.db, scope, async (tx) => {
    // Stamped at most once a minute: calendars poll, and a row written on every poll buys nothing.
    const feed = (
      await tx.query<{ user_id: string | null; user_name: string | null; business: string; timezone: string; created_at: Date }>(
        `with touched as (update calendar_feeds set last_fetched_at = now()
         where id = $1 and revoked_at is null and (last_fetched_at is null or last_fetched_at < now() - interval '1 minute'))
       select f.user_id, u.name as user_name, t.name as business, t.timezone, f.created_at
       from calendar_feeds f join tenants t on t.id = f.tenant_id left join users u on u.tenant_id = f.tenant_id and u.id = f.user_id
       where f.id = $1 and f.revoked_at is null`,
        [found.id],
      )
    ).rows[0]
    if (!feed) return null
    const now = services.now()
    const tickets = await feedTickets(
      tx,
      feed.user_id,
      new Date(now.getTime() - DAYS_BACK * DAY_MS),
      new Date(now.getTime() + DAYS_AHEAD * DAY_MS),
    )
    const name = feed.user_id ? `${feed.business}: ${feed.user_name || 'my'} jobs` : feed.business
    const body = serializeCalendar(calendarLines(tickets, { name, timezone: feed.timezone, base: services.config.publicBaseUrl }))
    const lastModified = tickets.reduce((latest, t) => (t.changed_at > latest ? t.changed_at : latest), feed.created_at)
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`, lastModified }
  })
}

/** The tickets overlapping [from, to), of one technician or of everyone, with what an event shows. */
async function feedTickets(tx: Queryable, userId: string | null, from: Date, to: Date): Promise<FeedTicket[]> {
  const r = await tx.query<FeedTicket>(
    `select t.id, t.number, t.status, t.confirmation_status, t.scheduled_start, t.scheduled_end, t.created_at, t.notes, t.cancel_reason,
            c.display_name as contact_name, c.phone, a.line1, a.line2, a.city, a.state, a.postal_code, a.access_notes,
            array(select case when li.quantity > 1 then li.description || ' × ' || li.quantity else li.description end
                  from ticket_line_items li where li.tenant_id = t.tenant_id and li.ticket_id = t.id order by li.position, li.created_at) as services,
            (select string_agg(nullif(u.name, ''), ', ' order by u.name) from ticket_technicians tt
               join users u on u.tenant_id = tt.tenant_id and u.id = tt.user_id where tt.tenant_id = t.tenant_id and tt.ticket_id = t.id) as technicians,
            greatest(t.updated_at, c.updated_at, a.updated_at,
              (select max(li.created_at) from ticket_line_items li where li.tenant_id = t.tenant_id and li.ticket_id = t.id)) as changed_at,
            (select count(*)::int from audit_log l where l.tenant_id = t.tenant_id and l.entity_type = 'ticket' and l.entity_id = t.id) as version
     from tickets t
     join contacts c on c.tenant_id = t.tenant_id and c.id = t.contact_id
     left join addresses a on a.tenant_id = t.tenant_id and a.id = t.address_id
     where t.scheduled_end > $2 and t.scheduled_start < $3
       and ($1::uuid is null or exists (select 1 from ticket_technicians tt where tt.tenant_id = t.tenant_id and tt.ticket_id = t.id and tt.user_id = $1))
     order by t.scheduled_start, t.id
     limit ${MAX_EVENTS}`,
    [userId, from, to],
  )
  return r.rows
}

/** The lines of the whole calendar: its header, one VEVENT per ticket, and its end. */
function calendarLines(tickets: readonly FeedTicket[], cal: { name: string; timezone: string; base: string }): IcalLine[] {
  const host = new URL(cal.base).hostname
  const lines: IcalLine[] = [
    ['BEGIN', 'VCALENDAR'],
    ['VERSION', '2.0'],
    ['PRODID', '-//Service CRM//Calendar feed//EN'],
    ['CALSCALE', 'GREGORIAN'],
    ['METHOD', 'PUBLISH'],
    ['X-WR-CALNAME', escapeText(cal.name)],
    ['X-WR-TIMEZONE', escapeText(cal.timezone)],
    ['REFRESH-INTERVAL;VALUE=DURATION', 'PT1H'],
    ['X-PUBLISHED-TTL', 'PT1H'],
  ]
  for (const t of tickets) lines.push(...eventLines(t, host, cal.base))
  lines.push(['END', 'VCALENDAR'])
  return lines
}

/** One ticket as a VEVENT. Times are UTC; the phone shows them in its own zone. */
function eventLines(t: FeedTicket, host: string, base: string): IcalLine[] {
  const cancelled = t.status === 'cancelled'
  const confirmed = t.status !== 'scheduled' || t.confirmation_status === 'accepted'
  const services = t.services.join(', ')
  const address = [t.line1, t.line2, t.city, [t.state, t.postal_code].filter(Boolean).join(' ')].filter(Boolean).join(', ')
  const about = [
    `Ticket #${t.number} · ${t.status.replace('_', ' ')}${t.confirmation_status === 'accepted' ? ', confirmed by the customer' : ''}`,
    services && `Services: ${services}`,
    t.phone && `Phone: ${t.phone}`,
    t.access_notes && `Gate/access: ${t.access_notes}`,
    t.notes && `Notes: ${t.notes}`,
    t.technicians && `Technicians: ${t.technicians}`,
    cancelled && `Cancelled${t.cancel_reason ? `: ${t.cancel_reason}` : ''}`,
  ]
    .filter(Boolean)
    .join('\n')
  const stamp = utcStamp(t.changed_at)
  return [
    ['BEGIN', 'VEVENT'],
    ['UID', `${t.id}@${host}`],
    ['DTSTAMP', stamp],
    ['LAST-MODIFIED', stamp],
    ['CREATED', utcStamp(t.created_at)],
    // The ticket's recorded changes after its creation: grows with every change, so calendars take the new version.
    ['SEQUENCE', String(Math.max(0, t.version - 1))],
    ['DTSTART', utcStamp(t.scheduled_start)],
    ['DTEND', utcStamp(t.scheduled_end)],
    ['SUMMARY', text(`${cancelled ? 'Cancelled: ' : ''}${t.contact_name}${services ? ` – ${services}` : ''}`)],
    ...(address ? [['LOCATION', text(address)] as IcalLine] : []),
    ['DESCRIPTION', text(about)],
    ['STATUS', cancelled ? 'CANCELLED' : confirmed ? 'CONFIRMED' : 'TENTATIVE'],
    ['TRANSP', cancelled ? 'TRANSPARENT' : 'OPAQUE'],
    ['URL', `${base}/tickets/${t.id}`],
    ['END', 'VEVENT'],
  ]
}

/** Free text as an escaped TEXT value, with any card number or SSN replaced: a feed travels to devices the business does not control. */
function text(value: string): string {
  return escapeText(redactSensitive(value).text)
}
