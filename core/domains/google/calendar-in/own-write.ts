import type { ReadEvent } from './calls.js'

/** What Google answered to our last write of an event (google_events, google_series_events). */
export interface WrittenVersion {
  etag: string | null
  sequence: number | null
}

/**
 * Whether an event read back is still our own last write: Google gives it a new etag with every change, and a higher
 * sequence when it is moved, so the etag we were answered (or, for an event not deleted, the sequence) means no person
 * moved or deleted it since. Google's change time is never compared with our clock: the two need not agree.
 */
export function isOwnWrite(event: Pick<ReadEvent, 'etag' | 'sequence' | 'status'>, written: WrittenVersion | undefined): boolean {
  if (!written) return false
  if (written.etag !== null && event.etag === written.etag) return true
  return event.status !== 'cancelled' && written.sequence !== null && event.sequence === written.sequence
}
