/** One entry of an archive: what it is (a manifest, a batch of rows, a sequence, a document, the summary) and its bytes. */
export interface Entry {
  head: { type: string; length: number; [field: string]: unknown }
  payload: Buffer
}

/** Where a dump's entries go: an archive, or nowhere when a restore is only being checked. */
export interface EntrySink {
  write(head: Record<string, unknown> & { type: string }, payload?: Buffer): Promise<void>
}

/** A sink that keeps nothing: reading a restored database through the dump gives its counts and checksums. */
export const DISCARD: EntrySink = { write: async () => {} }
