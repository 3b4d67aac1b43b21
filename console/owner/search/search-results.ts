import { reachOf, type Role } from '../../../core/kernel/access.js'
import type { Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { searchFunctionality } from '../../../core/domains/search/functionality.js'
import { searchQuery } from '../../../core/domains/search/queries.js'
import { recentContactsQuery } from '../../../core/domains/search/recent-queries.js'
import { BY_AGENT_OR_API, placeOf } from '../../../core/vocabulary/places.js'
import { pagePlaces, pageScore } from './page-places.js'

/** One line of the search's answer: what it is, where it leads (null: no page does it), one line of detail, and its rank. */
export interface SearchResult {
  kind: string
  title: string
  href: string | null
  detail: string
  score: number
}

/** What the search answers: the results, best first, and for a plain question the sentence that reads it. */
export interface SearchAnswer {
  results: SearchResult[]
  reading?: string
}

/** Record hits per kind, capabilities and pages asked for. */
const RECORDS_PER_KIND = 6
const ACTIONS_SHOWN = 6
/** Below this a page is too weak a match to show. */
const PAGE_THRESHOLD = 0.5

const RECORD_LINKS: Record<string, { kind: string; base: string }> = {
  contact: { kind: 'Customer', base: '/customers/' },
  ticket: { kind: 'Visit', base: '/tickets/' },
  invoice: { kind: 'Invoice', base: '/invoices/' },
  lead: { kind: 'Lead', base: '/leads/' },
}

/** What an empty box offers besides recent customers. */
const COMMON_ACTIONS = ['contact.create', 'ticket.create', 'invoice.send', 'message.schedule', 'user.add', 'ticket.close', 'note.add']

/**
 * Everything the person may reach for the words: records through the registered search (when their role may read it),
 * the actions their role may run with where each is done, and the pages; ranked together, best first, records first on a tie.
 */
export async function searchEverything(caller: Caller, role: Role, q: string): Promise<SearchAnswer> {
  const records: SearchResult[] = []
  let reading: string | undefined
  if (reachOf(searchQuery.access, role) !== 'none') {
    const page = await callQuery(caller, searchQuery, { params: { q, kinds: 'contact,ticket,invoice,lead' }, limit: RECORDS_PER_KIND })
    reading = (page as { reading?: string }).reading
    for (const hit of page.items) {
      const link = RECORD_LINKS[hit.kind]
      if (link)
        records.push({
          kind: link.kind,
          title: hit.label,
          href: link.base + encodeURIComponent(hit.id),
          detail: hit.detail,
          score: hit.score,
        })
    }
  }
  const registry = caller.services.registry
  const actions = searchFunctionality(registry, q, 3 * ACTIONS_SHOWN, new Set(['action']))
    .filter((hit) => mayRun(caller, role, hit.id))
    .slice(0, ACTIONS_SHOWN)
    .map((hit) => actionResult(caller, role, hit.id, hit.score))
  const pages = pagePlaces(caller.services)
    .filter((p) => p.roles.includes(role))
    .map((p) => ({ kind: 'Page', title: p.title, href: p.path, detail: p.about, score: pageScore(p, q) }))
    .filter((p) => p.score >= PAGE_THRESHOLD)
  const results = [...records, ...actions, ...pages]
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.score - a.r.score || a.i - b.i)
    .map(({ r }) => r)
  return { results, reading }
}

/** What an empty box shows: the customers changed last (when the role may read them) and a few everyday actions. */
export async function searchStart(caller: Caller, role: Role): Promise<{ recent: SearchResult[]; actions: SearchResult[] }> {
  const recent =
    reachOf(recentContactsQuery.access, role) === 'none'
      ? []
      : (await callQuery(caller, recentContactsQuery, { limit: 6 })).items.map((c) => ({
          kind: 'Customer',
          title: c.display_name,
          href: `/customers/${encodeURIComponent(c.id)}`,
          detail: [c.phone, c.email].filter(Boolean).join(' · '),
          score: 1,
        }))
  const actions = COMMON_ACTIONS.filter(
    (key) => mayRun(caller, role, key) && placeOf(caller.services.registry.actions.get(key)?.place, role),
  )
    .slice(0, 5)
    .map((key) => actionResult(caller, role, key, 1))
  return { recent, actions }
}

/** Whether the role may run the registered action at all. */
function mayRun(caller: Caller, role: Role, key: string): boolean {
  const def = caller.services.registry.actions.get(key)
  return !!def && reachOf(def.access, role) !== 'none'
}

/** An action as a result: what it does in a few words, and where a person does it (or that the office manager does). */
function actionResult(caller: Caller, role: Role, key: string, score: number): SearchResult {
  const def = caller.services.registry.actions.get(key)
  const place = placeOf(def?.place, role)
  const title = def?.title ?? shortTitle(def?.description ?? key)
  if (place) return { kind: 'Action', title, href: place.path, detail: place.how, score }
  const why = def?.place === BY_AGENT_OR_API ? 'your office manager does this; no page offers it' : 'no page offers this yet'
  return { kind: 'Action', title, href: null, detail: why, score }
}

/** The first words of a description (after "Owner only:"), up to its first colon, parenthesis or full stop ("Void an invoice"). */
function shortTitle(description: string): string {
  const first = description
    .replace(/^owner only:\s*/i, '')
    .split(/[:(.;]/)[0]
    .trim()
  return first.length > 70 ? `${first.slice(0, 67)}...` : first
}
