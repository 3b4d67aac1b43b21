import type { PagePlace } from '../../../core/kernel/plug-in.js'
import type { Services } from '../../../core/kernel/context.js'

/** A page of the pages as a search result (declared in core, where capabilities declare theirs). */
export type { PagePlace }

const owner = ['owner'] as const
const both = ['owner', 'technician'] as const

/** The console's own pages up to its capabilities' (the rest follow them). */
const FIRST_PLACES: readonly PagePlace[] = [
  { title: 'Home', path: '/', about: 'What needs you today', words: ['home', 'start', 'dashboard', 'today'], roles: owner },
  {
    title: 'Calendar',
    path: '/schedule',
    about: 'Every visit by day and week',
    words: ['calendar', 'schedule', 'appointments', 'visits', 'week', 'day'],
    roles: owner,
  },
  {
    title: 'Neighborhoods',
    path: '/neighborhoods',
    about: "Each neighborhood's customers, visits and sales, this year against last",
    words: ['neighborhoods', 'areas', 'map', 'where customers are', 'revenue by area'],
    roles: owner,
  },
  {
    title: 'Partners',
    path: '/partners',
    about: 'The companies that send you customers or jobs, or do jobs for you, and the customers they brought',
    words: ['partners', 'referral partners', 'subcontractors', 'contractors', 'property managers', 'referrals'],
    roles: owner,
  },
  {
    title: 'Service plans',
    path: '/plans',
    about: 'Plans your customers pay for each cycle, with their visits booked for them; offer one to a customer',
    words: ['plans', 'service plans', 'maintenance plans', 'memberships', 'subscriptions'],
    roles: owner,
  },
  {
    title: 'Routes',
    path: '/routes',
    about: "A technician's day in driving order, and the home base",
    words: ['routes', 'route', 'driving', 'directions', 'map', 'home base', 'anytime'],
    roles: owner,
  },
  {
    title: 'Customers',
    path: '/customers',
    about: 'Everyone you work for',
    words: ['customers', 'clients', 'contacts', 'people'],
    roles: owner,
  },
  {
    title: 'New customer',
    path: '/customers/new',
    about: 'Add a customer by hand',
    words: ['new customer', 'add customer', 'create contact'],
    roles: owner,
  },
  {
    title: 'Invoices',
    path: '/invoices',
    about: 'Bills, payments and what is due',
    words: ['invoices', 'bills', 'billing', 'payments', 'money', 'due', 'refund'],
    roles: owner,
  },
  {
    title: 'Leads',
    path: '/leads',
    about: 'Inquiries that may become customers',
    words: ['leads', 'inquiries', 'prospects', 'quotes'],
    roles: owner,
  },
  {
    title: 'Pipeline',
    path: '/pipeline',
    about: 'Opportunities by stage, with the weighted forecast',
    words: ['pipeline', 'opportunities', 'deals', 'forecast', 'won', 'lost'],
    roles: owner,
  },
  {
    title: 'Requests',
    path: '/review',
    about: 'What your office manager asks you to allow',
    words: ['requests', 'review', 'approve', 'allow', 'deny', 'queue'],
    roles: owner,
  },
  {
    title: 'Request history',
    path: '/review/history',
    about: 'Requests you answered',
    words: ['history', 'decisions', 'answered requests'],
    roles: owner,
  },
  {
    title: 'Numbers',
    path: '/analytics',
    about: 'How the business is doing',
    words: ['numbers', 'analytics', 'reports', 'revenue', 'stats'],
    roles: owner,
  },
  {
    title: 'More',
    path: '/settings',
    about: 'Settings and every other page',
    words: ['more', 'settings', 'business hours', 'time zone', 'tax'],
    roles: owner,
  },
  {
    title: 'Team',
    path: '/team',
    about: 'Owners and technicians who sign in',
    words: ['team', 'staff', 'technicians', 'users', 'employees'],
    roles: owner,
  },
  {
    title: 'Services',
    path: '/services',
    about: 'What you sell, with prices',
    words: ['services', 'catalog', 'prices', 'price list', 'products'],
    roles: owner,
  },
  {
    title: 'Templates',
    path: '/settings/templates',
    about: 'The wording of your emails',
    words: ['templates', 'wording', 'email text', 'reminders'],
    roles: owner,
  },
  {
    title: 'Messages',
    path: '/messages',
    about: 'Emails scheduled to customers',
    words: ['messages', 'emails', 'scheduled emails', 'reminders'],
    roles: owner,
  },
  {
    title: 'Outbox',
    path: '/messages/outbox',
    about: 'Emails kept while sending is off',
    words: ['outbox', 'sent emails', 'email log'],
    roles: owner,
  },
  {
    title: 'Permissions',
    path: '/review/permissions',
    about: 'What your office manager may do alone',
    words: ['permissions', 'rules', 'standing rules', 'levels', 'agent'],
    roles: owner,
  },
  {
    title: 'Connected apps',
    path: '/review/connections',
    about: 'Apps and tokens acting for you',
    words: ['connections', 'connected apps', 'tokens', 'oauth', 'disconnect'],
    roles: owner,
  },
  {
    title: 'Import',
    path: '/import',
    about: 'Bring customers and history from Square or a CSV',
    words: ['import', 'square', 'csv', 'spreadsheet', 'move in'],
    roles: owner,
  },
]

/** The console's own pages after its capabilities'. */
const LATER_PLACES: readonly PagePlace[] = [
  {
    title: 'Calendar subscriptions',
    path: '/calendar',
    about: 'Your visits in a phone calendar',
    words: ['calendar subscription', 'ical', 'webcal', 'phone calendar'],
    roles: both,
  },
  { title: 'Today', path: '/today', about: 'Your visits today', words: ['today', 'my visits', 'jobs', 'route'], roles: ['technician'] },
  { title: 'Week', path: '/today?view=week', about: 'Your visits this week', words: ['week', 'my week'], roles: ['technician'] },
]

/** The console's pages (and a technician's), as the search offers them, each capability's among them (in the order of their names). */
export function pagePlaces(services: Pick<Services, 'capabilities'>): readonly PagePlace[] {
  return [...FIRST_PLACES, ...services.capabilities.flatMap((c) => c.places ?? []), ...LATER_PLACES]
}

/** How well the page's title and words answer the query: 1 when every query word begins a word of the page, else less, 0 for none. */
export function pageScore(place: PagePlace, query: string): number {
  const wanted = query
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 2)
  if (!wanted.length) return 0
  const own = `${place.title} ${place.words.join(' ')}`
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
  const found = wanted.filter((w) => own.some((o) => o.startsWith(w) || (o.length >= 4 && w.startsWith(o))))
  if (!found.length) return 0
  const titleFound = place.title.toLowerCase() === query.trim().toLowerCase()
  return titleFound ? 1 : 0.95 * (found.length / wanted.length) ** 2
}
