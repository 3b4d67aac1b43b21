import type { OperationContext } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { listGoogleConnections, type StoredGoogleConnection } from './connection.js'
import { GOOGLE_SOURCE } from './contacts-plan.js'
import { featureGranted } from './features.js'
import type { GooglePerson } from './people.js'
import { notConnected } from './tokens.js'

/** The business's contacts refresh as stored: whose account, and the sync token of its last read. */
export interface GoogleContactsSync {
  user_id: string
  google_email: string
  sync_token: string | null
  imported_at: Date
  refreshed_at: Date | null
  full_reads: number
}

/** The business's refresh state, or null before the first import. */
export async function loadContactsSync(tx: Queryable): Promise<GoogleContactsSync | null> {
  const r = await tx.query<GoogleContactsSync>(
    'select user_id, google_email, sync_token, imported_at, refreshed_at, full_reads from google_contacts_sync',
  )
  return r.rows[0] ?? null
}

/**
 * The owner's account the business's contacts are read from: the acting owner's when they turned contacts on, else
 * any owner's. A clear CONFLICT when none is connected with contacts on and granted, saying what to do.
 */
export async function contactsAccount(ctx: OperationContext): Promise<StoredGoogleConnection> {
  const owners = (await listGoogleConnections(ctx.db)).filter((c) => c.role === 'owner')
  const self = ctx.actor.type === 'user' ? ctx.actor.id : null
  const ready = owners.filter((c) => c.status === 'connected' && c.contacts_on && featureGranted('contacts', c.scopes))
  const chosen = ready.find((c) => c.user_id === self) ?? ready[0]
  if (chosen) return chosen
  const connected = owners.filter((c) => c.status === 'connected')
  if (!connected.length) {
    const any = owners[0]
    throw any
      ? notConnected(any.status, any.status_reason)
      : new AppError('CONFLICT', "No owner's Google account is connected: the owner connects Google with contacts at /settings/google")
  }
  const on = connected.find((c) => c.contacts_on)
  if (on) {
    throw new AppError(
      'CONFLICT',
      `Google did not grant reading the contacts of ${on.google_email}: the owner connects Google again with contacts at /settings/google and allows it`,
    )
  }
  throw new AppError(
    'CONFLICT',
    `Google contacts is off for ${connected[0].google_email}: the owner turns it on by connecting Google with contacts at /settings/google`,
  )
}

/** Keeps the account and sync token after a read of every contact (the import, or a refresh after an expired token). */
export async function saveFullRead(ctx: OperationContext, account: StoredGoogleConnection, syncToken: string | null): Promise<void> {
  await ctx.db.query(
    `insert into google_contacts_sync (tenant_id, user_id, google_email, sync_token, imported_at, refreshed_at, full_reads)
     values ($1, $2, $3, $4, $5, $5, 1)
     on conflict (tenant_id) do update set user_id = excluded.user_id, google_email = excluded.google_email,
       sync_token = excluded.sync_token, refreshed_at = excluded.refreshed_at, full_reads = google_contacts_sync.full_reads + 1`,
    [ctx.tenantId, account.user_id, account.google_email, syncToken, ctx.services.now()],
  )
}

/** Keeps the sync token of an incremental read. */
export async function saveIncrementalRead(ctx: OperationContext, syncToken: string | null): Promise<void> {
  await ctx.db.query('update google_contacts_sync set sync_token = $1, refreshed_at = $2', [syncToken, ctx.services.now()])
}

/**
 * Links the people read to the customers the import path made or matched for them (its external ids), with the etag
 * read; a person seen again is no longer marked deleted.
 */
export async function linkPeople(ctx: OperationContext, people: GooglePerson[]): Promise<void> {
  if (!people.length) return
  await ctx.db.query(
    `insert into google_contacts (tenant_id, resource_name, contact_id, etag, deleted_in_google_at, read_at)
     select $1, x.external_id, x.contact_id, p.etag, null, $4
     from contact_external_ids x join jsonb_to_recordset($3::jsonb) as p(resource_name text, etag text) on p.resource_name = x.external_id
     where x.source = $2
     on conflict (tenant_id, resource_name) do update set contact_id = excluded.contact_id, etag = excluded.etag,
       deleted_in_google_at = null, read_at = excluded.read_at`,
    [
      ctx.tenantId,
      GOOGLE_SOURCE,
      JSON.stringify(people.map((p) => ({ resource_name: p.resourceName, etag: p.etag ?? null }))),
      ctx.services.now(),
    ],
  )
}

/** The etags last read of linked people, by resource name: a person read again with the same etag is unchanged. */
export async function knownEtags(tx: Queryable): Promise<Map<string, string | null>> {
  const r = await tx.query<{ resource_name: string; etag: string | null }>(
    'select resource_name, etag from google_contacts where deleted_in_google_at is null',
  )
  return new Map(r.rows.map((x) => [x.resource_name, x.etag]))
}

/**
 * Marks people deleted in Google: their customers stay, and each one's audit says the Google contact is gone.
 * Returns how many were newly marked.
 */
export async function markDeletedInGoogle(ctx: OperationContext, resourceNames: string[]): Promise<number> {
  if (!resourceNames.length) return 0
  const r = await ctx.db.query<{ resource_name: string; contact_id: string }>(
    `update google_contacts g set deleted_in_google_at = $2,
       contact_id = coalesce((select x.contact_id from contact_external_ids x where x.source = $3 and x.external_id = g.resource_name), g.contact_id)
     where g.resource_name = any($1) and g.deleted_in_google_at is null
     returning g.resource_name, g.contact_id`,
    [resourceNames, ctx.services.now(), GOOGLE_SOURCE],
  )
  for (const row of r.rows) {
    await ctx.audit({
      entityType: 'contact',
      entityId: String(row.contact_id),
      action: 'google_contact_deleted',
      after: { resource_name: row.resource_name, kept: true },
    })
  }
  return r.rows.length
}
