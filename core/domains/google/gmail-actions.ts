import { z } from 'zod'
import type { OperationContext } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { AppError, validationError } from '../../kernel/errors.js'
import { timestamp } from '../../kernel/output-types.js'
import { page } from '../../vocabulary/places.js'
import { defineAction, defineQuery } from '../../kernel/registry.js'
import { loadGoogleConnection } from './connection.js'
import { DEFAULT_GMAIL_LABELS, type GmailLabel, type GmailMailbox, loadGmailMailbox } from './gmail-mailbox.js'
import { NEVER_READ_LABELS } from './gmail-rules.js'
import { neverConnected } from './tokens.js'

/** Gmail's labels every mailbox has, which may be chosen before the mailbox's own list was read. */
const SYSTEM_LABELS = [
  'INBOX',
  'SENT',
  'IMPORTANT',
  'STARRED',
  'UNREAD',
  'CATEGORY_PERSONAL',
  'CATEGORY_SOCIAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
]

/** A person's Gmail as the owner and the agent read it: the labels read, those to choose from, and how far it was read. */
export const GMAIL_MAILBOX_RECORD = z.object({
  id: z.uuid().describe("The person's user id"),
  google_email: z.string(),
  labels: z.array(z.object({ id: z.string(), name: z.string() })).describe('The labels read'),
  available: z
    .array(z.object({ id: z.string(), name: z.string(), type: z.enum(['system', 'user']) }))
    .describe('The labels of the mailbox as Gmail last listed them (empty until the first read)'),
  started_at: timestamp.nullable().describe('When reading began (mail of the week before came in too)'),
  read_through: timestamp.nullable().describe('When the last read ended'),
  resyncs: z.number().int().describe('How often Google forgot where the read was and the mail since the last read was listed again'),
  last_resync_at: timestamp.nullable(),
  interactions: z.number().int().describe('Emails put on customers’ and leads’ timelines'),
  leads: z.number().int().describe('Leads made from emails'),
})

type MailboxView = z.output<typeof GMAIL_MAILBOX_RECORD>

/** The mailbox as the record shows it. */
async function viewOf(tx: Queryable, box: GmailMailbox): Promise<MailboxView> {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)
  const counts = await tx.query<{ interactions: number; leads: number }>(
    `select count(interaction_id)::int as interactions, count(lead_id)::int as leads from gmail_messages where user_id = $1`,
    [box.user_id],
  )
  const available = box.label_list ?? []
  return {
    id: box.user_id,
    google_email: box.google_email,
    labels: box.labels.map((id) => ({ id, name: available.find((l) => l.id === id)?.name ?? id })),
    available,
    started_at: iso(box.started_at),
    read_through: iso(box.read_through),
    resyncs: box.resyncs,
    last_resync_at: iso(box.last_resync_at),
    interactions: counts.rows[0]?.interactions ?? 0,
    leads: counts.rows[0]?.leads ?? 0,
  }
}

/** The owner whose Gmail a call is about: the one named, the caller, or the only owner with Gmail turned on. */
async function mailboxOwner(ctx: OperationContext, userId: string | undefined): Promise<{ userId: string; email: string }> {
  const self = ctx.actor.type === 'user' ? ctx.actor.id : null
  let id = userId ?? self
  if (!id) {
    const on = await ctx.db.query<{ user_id: string }>(
      `select c.user_id from google_connections c join users u on u.id = c.user_id where c.gmail_on and u.role = 'owner'`,
    )
    if (on.rows.length !== 1) {
      throw validationError([
        {
          field: 'data.user_id',
          message: on.rows.length ? 'several owners read their Gmail: name whose' : 'is required: no owner has Gmail turned on',
        },
      ])
    }
    id = on.rows[0].user_id
  }
  const conn = await loadGoogleConnection(ctx.db, id)
  if (!conn) throw neverConnected(id)
  const role = await ctx.db.query<{ role: string }>('select role from users where id = $1', [id])
  if (role.rows[0]?.role !== 'owner') {
    throw new AppError('CONFLICT', "Gmail is read from an owner's account only: this person is not an owner", { field: 'data.user_id' })
  }
  return { userId: id, email: conn.google_email }
}

/** The label ids for what was asked (ids or names), or a VALIDATION_ERROR naming each unknown one and what exists. */
function resolveLabels(asked: string[], available: GmailLabel[] | null): string[] {
  const known: Array<{ id: string; name: string }> = available ?? SYSTEM_LABELS.map((id) => ({ id, name: id }))
  const ids: string[] = []
  const issues = []
  for (const [i, wanted] of asked.entries()) {
    const found =
      known.find((l) => l.id === wanted) ??
      known.find((l) => l.name.toLowerCase() === wanted.toLowerCase()) ??
      (available ? undefined : /^Label_\d+$/.test(wanted) ? { id: wanted } : undefined)
    if (!found || NEVER_READ_LABELS.includes(found.id)) {
      const choices = known
        .filter((l) => !NEVER_READ_LABELS.includes(l.id))
        .map((l) => l.name)
        .join(', ')
      issues.push({ field: `data.labels.${i}`, message: `'${wanted}' is not a label that can be read; choose among ${choices}` })
    } else if (!ids.includes(found.id)) ids.push(found.id)
  }
  if (issues.length) throw validationError(issues)
  return ids
}

/** Chooses which labels of the owner's Gmail are read for customers' emails and leads. */
export const chooseGmailLabels = defineAction({
  key: 'google.choose_gmail_labels',
  title: 'Choose the Gmail labels read',
  place: page('/settings/google', 'Choose the Gmail labels read, beside Gmail'),
  words: { phrase: "choose which labels of the owner's Gmail are read" },
  description:
    "Choose which labels of the owner's Gmail are read (user_id: whose; the one owner with Gmail on when left out): emails " +
    'with a customer added to those labels from now on go on their timeline, and emails asking for work become leads. ' +
    'labels: label ids or names, as gmail_mailbox lists them (available); by default INBOX and SENT. Drafts, spam, the bin ' +
    "and chats are never read. An agent's call waits for the owner's authorization.",
  access: { agent: 'requires_authorization', technician: 'none' },
  phrases: ['gmail', 'labels', 'email', 'inbox', 'google'],
  idempotent: true,
  input: z.strictObject({
    labels: z.array(z.string().trim().min(1).max(225)).min(1).max(20).describe('Label ids or names, e.g. ["INBOX", "SENT", "Customers"]'),
    user_id: z.uuid().optional().describe("Whose Gmail; the owner's with Gmail on when left out"),
  }),
  output: GMAIL_MAILBOX_RECORD,
  async run(ctx, input) {
    const owner = await mailboxOwner(ctx, input.user_id)
    const before = await loadGmailMailbox(ctx.db, owner.userId, true)
    const labels = resolveLabels(input.labels, before?.google_email === owner.email ? (before?.label_list ?? null) : null)
    await ctx.db.query(
      `insert into gmail_mailboxes (tenant_id, user_id, google_email, labels) values ($1, $2, $3, $4)
       on conflict (tenant_id, user_id) do update set labels = excluded.labels`,
      [ctx.tenantId, owner.userId, owner.email, labels],
    )
    await ctx.audit({
      entityType: 'google_connection',
      entityId: owner.userId,
      action: 'choose_gmail_labels',
      before: { labels: before?.labels ?? DEFAULT_GMAIL_LABELS },
      after: { labels },
    })
    const after = await loadGmailMailbox(ctx.db, owner.userId)
    if (!after) throw new Error('the mailbox just saved is gone')
    return viewOf(ctx.db, after)
  },
})

/** The owner's Gmail as read: labels read and to choose from, how far, what it made. */
export const gmailMailboxQuery = defineQuery({
  type: 'gmail_mailbox',
  description:
    "The owner's Gmail as the product reads it, one record per owner who turned Gmail on (id = their user id): labels " +
    '(read), available (the labels Gmail listed, to choose with google.choose_gmail_labels), started_at (mail of the week ' +
    'before came in too), read_through (when the last read ended), resyncs (Google forgot where the read was and the mail ' +
    'since was listed again), interactions (emails put on timelines) and leads (made from emails). Empty until the first read.',
  phrases: ['gmail', 'labels', 'email', 'inbox', 'google'],
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({}),
  record: GMAIL_MAILBOX_RECORD,
  async run(ctx, req) {
    const r = await ctx.db.query<{ user_id: string }>('select user_id from gmail_mailboxes order by created_at')
    const items: MailboxView[] = []
    for (const row of r.rows.filter((x) => !req.id || x.user_id === req.id)) {
      const box = await loadGmailMailbox(ctx.db, row.user_id)
      if (box) items.push(await viewOf(ctx.db, box))
    }
    return { items, next_cursor: null }
  },
})
