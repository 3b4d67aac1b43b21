import type { Queryable } from '../../db/types.js'

/** What goes to QuickBooks: a customer, a catalog service (as an item), an invoice, a payment. */
export type RecordKind = 'customer' | 'item' | 'invoice' | 'payment'

/** Where one record stands with QuickBooks. */
export type SyncState = 'pending' | 'synced' | 'failed'

/** One record's sync row. */
export interface SyncRecord {
  kind: RecordKind
  record_id: string
  realm_id: string
  remote_id: string | null
  sync_token: string | null
  request_id: string
  state: SyncState
  error: string | null
  note: string | null
  from_quickbooks: boolean
  fingerprint: string | null
  voided: boolean
  attempts: number
  updated_at: Date
}

const COLUMNS = `kind, record_id, realm_id, remote_id, sync_token, request_id, state, error, note, from_quickbooks, fingerprint,
  voided, attempts, updated_at`

/** The sync rows of these records of one kind, by record id. */
export async function syncRecordsOf(tx: Queryable, kind: RecordKind, ids: string[]): Promise<Map<string, SyncRecord>> {
  if (!ids.length) return new Map()
  const r = await tx.query<SyncRecord>(`select ${COLUMNS} from quickbooks_records where kind = $1 and record_id = any($2::uuid[])`, [
    kind,
    ids,
  ])
  return new Map(r.rows.map((row) => [row.record_id, row]))
}

/** The sync row of one record, or null when it never went to QuickBooks. */
export async function syncRecordOf(tx: Queryable, kind: RecordKind, id: string): Promise<SyncRecord | null> {
  return (await syncRecordsOf(tx, kind, [id])).get(id) ?? null
}

/** The record whose QuickBooks id this is, in this company. */
export async function recordByRemoteId(tx: Queryable, kind: RecordKind, realmId: string, remoteId: string): Promise<SyncRecord | null> {
  const r = await tx.query<SyncRecord>(`select ${COLUMNS} from quickbooks_records where kind = $1 and realm_id = $2 and remote_id = $3`, [
    kind,
    realmId,
    remoteId,
  ])
  return r.rows[0] ?? null
}

/**
 * The row a write is sent under, made before the write: its request_id is committed first, so the same write retried
 * after a crash carries the same requestid and QuickBooks answers it with what it did the first time.
 */
export async function claimWrite(
  tx: Queryable,
  tenantId: string,
  kind: RecordKind,
  recordId: string,
  realmId: string,
): Promise<SyncRecord> {
  const r = await tx.query<SyncRecord>(
    `insert into quickbooks_records (tenant_id, kind, record_id, realm_id) values ($1, $2, $3, $4)
     on conflict (tenant_id, kind, record_id) do update set attempts = quickbooks_records.attempts + 1
     returning ${COLUMNS}`,
    [tenantId, kind, recordId, realmId],
  )
  return r.rows[0]
}

/** What a write to QuickBooks did to the record's row. */
export interface WriteOutcome {
  remote_id?: string | null
  sync_token?: string | null
  fingerprint?: string | null
  voided?: boolean
  note?: string | null
  from_quickbooks?: boolean
}

/** The record is in QuickBooks as sent: synced, its id and SyncToken kept, a fresh request_id for its next write. */
export async function markSynced(tx: Queryable, kind: RecordKind, recordId: string, outcome: WriteOutcome): Promise<void> {
  await tx.query(
    `update quickbooks_records set state = 'synced', error = null, attempts = 0, request_id = gen_random_uuid(),
       remote_id = coalesce($3, remote_id), sync_token = coalesce($4, sync_token), fingerprint = coalesce($5, fingerprint),
       voided = coalesce($6, voided), note = coalesce($7, note), from_quickbooks = coalesce($8, from_quickbooks)
     where kind = $1 and record_id = $2`,
    [
      kind,
      recordId,
      outcome.remote_id ?? null,
      outcome.sync_token ?? null,
      outcome.fingerprint ?? null,
      outcome.voided ?? null,
      outcome.note ?? null,
      outcome.from_quickbooks ?? null,
    ],
  )
}

/**
 * QuickBooks refused the record (or it disagrees with ours): failed with the words why, kept with whatever id it has.
 * The fingerprint of the version that failed is kept, so it is not sent again until it changes or the owner retries it.
 */
export async function markFailed(
  tx: Queryable,
  kind: RecordKind,
  recordId: string,
  error: string,
  outcome: WriteOutcome = {},
): Promise<void> {
  await tx.query(
    `update quickbooks_records set state = 'failed', error = $3, request_id = gen_random_uuid(),
       remote_id = coalesce($4, remote_id), sync_token = coalesce($5, sync_token), fingerprint = coalesce($6, fingerprint)
     where kind = $1 and record_id = $2`,
    [kind, recordId, error.slice(0, 2000), outcome.remote_id ?? null, outcome.sync_token ?? null, outcome.fingerprint ?? null],
  )
}

/** A new request_id for a different write of the same record (a DisplayName made unique is a different request). */
export async function renewRequestId(tx: Queryable, kind: RecordKind, recordId: string): Promise<string> {
  const r = await tx.query<{ request_id: string }>(
    'update quickbooks_records set request_id = gen_random_uuid() where kind = $1 and record_id = $2 returning request_id',
    [kind, recordId],
  )
  return r.rows[0].request_id
}

/** Puts a failed record back in line for the next sync. */
export async function retryRecord(tx: Queryable, kind: RecordKind, recordId: string): Promise<SyncRecord | null> {
  const r = await tx.query<SyncRecord>(
    `update quickbooks_records set state = 'pending', error = null, fingerprint = null, attempts = 0
     where kind = $1 and record_id = $2 returning ${COLUMNS}`,
    [kind, recordId],
  )
  return r.rows[0] ?? null
}
