import { GoogleError } from '../../../clients/google.js'
import { withTenant } from '../../../db/tenant.js'
import type { Queryable } from '../../../db/types.js'
import { type GmailLabel, type GmailMailbox, mailboxFor, saveGmailLabelList, saveGmailProgress } from '../gmail-mailbox.js'
import { type GmailMessageResource, READ_HEADERS, receivedAt } from '../gmail-message.js'
import { NEVER_READ_LABELS } from '../gmail-rules.js'
import { recordGmailMessage } from './gmail-record.js'
import type { GoogleRun, GoogleStep, GoogleStepReport } from './steps.js'

const GMAIL = 'https://gmail.googleapis.com/gmail/v1/users/me'

/** The first read brings in this many days of mail before the start point (not the whole mailbox). */
export const GMAIL_FIRST_READ_DAYS = 7

/** At most this many messages per label on a first read or after a gap. */
const LIST_CAP = 200

/** After Google forgot the start point, mail is listed again from this long before the last read ended. */
const GAP_MARGIN_MS = 60 * 60_000

/** A gap is never listed from further back than this (the feature was off, or the account away, for longer). */
const GAP_MOST_DAYS = 30

/** The mailbox's label list is read again after this long. */
const LABELS_EVERY_MS = 60 * 60_000

/**
 * The owner's Gmail: reads the messages added to the chosen labels since the kept history id (the first time, the last
 * week of mail and the profile's history id as the start point), and makes each one once into an interaction on a
 * customer's timeline or a lead (see gmail-record.ts). When Google no longer knows the start point (404), a new one is
 * read from the profile first, then the mail since the last read is listed, so nothing is missed; what was made
 * already is not made again.
 */
export const gmailStep: GoogleStep = {
  feature: 'gmail',
  name: 'gmail',
  async sync(run) {
    const report: GoogleStepReport = { read: 0, interactions: 0, leads: 0, skipped: 0, resynced: 0 }
    const inBusiness = <T>(fn: (tx: Queryable) => Promise<T>) =>
      withTenant(run.services.db, { tenantId: run.tenantId, actorType: 'system', requestId: `gmail-${run.userId}` }, fn)
    const box = await inBusiness((tx) => mailboxFor(tx, run.tenantId, run.userId, run.connection.google_email))
    await refreshLabels(run, box, inBusiness)
    const readAt = run.services.now()
    if (!box.history_id) {
      const start = await profileHistoryId(run)
      const since = new Date(readAt.getTime() - GMAIL_FIRST_READ_DAYS * 86_400_000)
      await readMessages(run, box, await listSince(run, box.labels, since), report)
      await inBusiness((tx) => saveGmailProgress(tx, run.userId, { historyId: start, readThrough: readAt, started: readAt }))
      return report
    }
    let ids: string[]
    let historyId: string
    try {
      ;({ ids, historyId } = await historySince(run, box))
    } catch (err) {
      if (!(err instanceof GoogleError) || err.status !== 404) throw err
      // The new start point first: mail arriving while the gap is listed is then in the next history read.
      historyId = await profileHistoryId(run)
      const lastRead = (box.read_through ?? box.started_at ?? readAt).getTime() - GAP_MARGIN_MS
      const since = new Date(Math.max(lastRead, readAt.getTime() - GAP_MOST_DAYS * 86_400_000))
      await readMessages(run, box, await listSince(run, box.labels, since), report)
      report.resynced++
      await inBusiness((tx) => saveGmailProgress(tx, run.userId, { historyId, readThrough: readAt, resynced: readAt }))
      return report
    }
    await readMessages(run, box, ids, report)
    await inBusiness((tx) => saveGmailProgress(tx, run.userId, { historyId, readThrough: readAt }))
    return report
  },
}

/** The mailbox's current history id: where the next read starts. */
async function profileHistoryId(run: GoogleRun): Promise<string> {
  const profile = await run.caller.call<{ historyId: string }>('GET', `${GMAIL}/profile`)
  return String(profile.historyId)
}

/** Reads the mailbox's labels when the kept list is missing or old, for the owner to choose from. */
async function refreshLabels(
  run: GoogleRun,
  box: GmailMailbox,
  inBusiness: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>,
): Promise<void> {
  const now = run.services.now()
  if (box.label_list_at && now.getTime() - new Date(box.label_list_at).getTime() < LABELS_EVERY_MS) return
  const answer = await run.caller.call<{ labels?: Array<{ id: string; name: string; type?: string }> }>('GET', `${GMAIL}/labels`)
  const labels: GmailLabel[] = (answer.labels ?? []).map((l) => ({ id: l.id, name: l.name, type: l.type === 'user' ? 'user' : 'system' }))
  await inBusiness((tx) => saveGmailLabelList(tx, run.userId, labels, now))
}

/** The ids of messages added since the kept history id (in the chosen labels), and the history id to keep after them. */
async function historySince(run: GoogleRun, box: GmailMailbox): Promise<{ ids: string[]; historyId: string }> {
  const ids: string[] = []
  let historyId: string | null = null
  let pageToken: string | undefined
  do {
    const page = await run.caller.call<{
      history?: Array<{ messagesAdded?: Array<{ message: { id: string; labelIds?: string[] } }> }>
      historyId?: string
      nextPageToken?: string
    }>('GET', `${GMAIL}/history`, {
      query: {
        startHistoryId: box.history_id,
        historyTypes: 'messageAdded',
        // Gmail filters by one label; with several, each message's labels are checked here.
        labelId: box.labels.length === 1 ? box.labels[0] : undefined,
        maxResults: 500,
        pageToken,
      },
    })
    // The first page's history id: what is added while the pages are read comes again next time rather than never.
    historyId ??= page.historyId ?? box.history_id
    for (const h of page.history ?? []) {
      for (const added of h.messagesAdded ?? []) {
        if (chosen(box, added.message.labelIds)) ids.push(added.message.id)
      }
    }
    pageToken = page.nextPageToken
  } while (pageToken)
  return { ids, historyId: historyId ?? String(box.history_id) }
}

/** Whether a message with these labels is read: in a chosen label, and neither a draft, spam, in the bin nor a chat. */
function chosen(box: GmailMailbox, labelIds: string[] | undefined): boolean {
  const labels = labelIds ?? []
  return labels.some((l) => box.labels.includes(l)) && !labels.some((l) => NEVER_READ_LABELS.includes(l))
}

/** The ids of messages in the chosen labels received after `since` (one list per label: Gmail ANDs labelIds). */
async function listSince(run: GoogleRun, labels: string[], since: Date): Promise<string[]> {
  const ids = new Set<string>()
  for (const label of labels) {
    let pageToken: string | undefined
    let count = 0
    do {
      const page = await run.caller.call<{ messages?: Array<{ id: string }>; nextPageToken?: string }>('GET', `${GMAIL}/messages`, {
        query: { labelIds: label, q: `after:${Math.floor(since.getTime() / 1000)}`, maxResults: 100, pageToken },
      })
      for (const m of page.messages ?? []) {
        if (count++ < LIST_CAP) ids.add(m.id)
      }
      pageToken = count < LIST_CAP ? page.nextPageToken : undefined
    } while (pageToken)
  }
  return [...ids]
}

/**
 * Reads the headers of each message not made into anything yet, oldest first (so a conversation's first email makes the
 * lead its answers go on), and records each (gmail-record.ts).
 */
async function readMessages(run: GoogleRun, box: GmailMailbox, ids: string[], report: GoogleStepReport): Promise<void> {
  const unique = [...new Set(ids)]
  if (!unique.length) return
  const done = await withTenant(run.services.db, { tenantId: run.tenantId, actorType: 'system' }, (tx) =>
    tx.query<{ gmail_id: string }>('select gmail_id from gmail_messages where user_id = $1 and gmail_id = any($2)', [run.userId, unique]),
  )
  const made = new Set(done.rows.map((r) => r.gmail_id))
  const heads: GmailMessageResource[] = []
  for (const id of unique) {
    if (made.has(id)) continue
    const head = await messageOf(run, id, 'metadata')
    if (!head || !chosen(box, head.labelIds)) {
      report.skipped++
      continue
    }
    heads.push(head)
  }
  // Mail received in the same millisecond keeps Gmail's order.
  heads.sort(
    (a, b) => (receivedAt(a)?.getTime() ?? 0) - (receivedAt(b)?.getTime() ?? 0) || Number(a.historyId ?? 0) - Number(b.historyId ?? 0),
  )
  for (const head of heads) {
    report.read++
    const outcome = await recordGmailMessage(run, head, (id) => messageOf(run, id, 'full'))
    if (outcome === 'interaction') report.interactions++
    else if (outcome === 'lead') report.leads++
    else report.skipped++
  }
}

/** One message in the given format, or null when it was deleted since it was listed. */
async function messageOf(run: GoogleRun, id: string, format: 'metadata' | 'full'): Promise<GmailMessageResource | null> {
  try {
    return await run.caller.call<GmailMessageResource>('GET', `${GMAIL}/messages/${encodeURIComponent(id)}`, {
      query: { format, metadataHeaders: format === 'metadata' ? [...READ_HEADERS] : undefined },
    })
  } catch (err) {
    if (err instanceof GoogleError && err.status === 404) return null
    throw err
  }
}
