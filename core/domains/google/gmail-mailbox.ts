import type { Queryable } from '../../db/types.js'

/** The labels read until the owner chooses others. */
export const DEFAULT_GMAIL_LABELS = ['INBOX', 'SENT']

/** A label of the mailbox as Gmail lists it. */
export interface GmailLabel {
  id: string
  name: string
  type: 'system' | 'user'
}

/** A person's mailbox as read so far. */
export interface GmailMailbox {
  user_id: string
  google_email: string
  labels: string[]
  history_id: string | null
  started_at: Date | null
  read_through: Date | null
  label_list: GmailLabel[] | null
  label_list_at: Date | null
  resyncs: number
  last_resync_at: Date | null
}

const COLUMNS = 'user_id, google_email, labels, history_id, started_at, read_through, label_list, label_list_at, resyncs, last_resync_at'

/** The person's mailbox row, or null before the first read or a choice of labels. */
export async function loadGmailMailbox(tx: Queryable, userId: string, forUpdate = false): Promise<GmailMailbox | null> {
  const r = await tx.query<GmailMailbox>(`select ${COLUMNS} from gmail_mailboxes where user_id = $1${forUpdate ? ' for update' : ''}`, [
    userId,
  ])
  return r.rows[0] ?? null
}

/**
 * The mailbox of this account: the stored one, or a new one (the labels chosen kept) when none was read yet or another
 * account was connected since, whose start point means nothing here.
 */
export async function mailboxFor(tx: Queryable, tenantId: string, userId: string, email: string): Promise<GmailMailbox> {
  const before = await loadGmailMailbox(tx, userId, true)
  if (before && before.google_email === email) return before
  const r = await tx.query<GmailMailbox>(
    `insert into gmail_mailboxes (tenant_id, user_id, google_email) values ($1, $2, $3)
     on conflict (tenant_id, user_id) do update set google_email = excluded.google_email, history_id = null, started_at = null,
       read_through = null, label_list = null, label_list_at = null
     returning ${COLUMNS}`,
    [tenantId, userId, email],
  )
  return r.rows[0]
}

/** Keeps where the read got to: the history id and the time it ended. */
export async function saveGmailProgress(
  tx: Queryable,
  userId: string,
  progress: { historyId: string; readThrough: Date; started?: Date; resynced?: Date },
): Promise<void> {
  await tx.query(
    `update gmail_mailboxes set history_id = $2, read_through = $3, started_at = coalesce($4, started_at),
       resyncs = resyncs + case when $5::timestamptz is null then 0 else 1 end, last_resync_at = coalesce($5, last_resync_at)
     where user_id = $1`,
    [userId, progress.historyId, progress.readThrough, progress.started ?? null, progress.resynced ?? null],
  )
}

/** Keeps the mailbox's labels as Gmail listed them. */
export async function saveGmailLabelList(tx: Queryable, userId: string, labels: GmailLabel[], at: Date): Promise<void> {
  await tx.query('update gmail_mailboxes set label_list = $2, label_list_at = $3 where user_id = $1', [userId, JSON.stringify(labels), at])
}
