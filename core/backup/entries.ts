import type { Readable, Writable } from 'node:stream'

/** One entry of an archive's body: a JSON head on one line, then `length` bytes of payload. */
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

/** Writes entries to a stream, waiting when it is full, so a large business is dumped in steady memory. */
export class EntryWriter implements EntrySink {
  constructor(private readonly out: Writable) {}

  /** Writes one entry. */
  async write(head: Record<string, unknown> & { type: string }, payload: Buffer = Buffer.alloc(0)): Promise<void> {
    const line = Buffer.from(`${JSON.stringify({ ...head, length: payload.length })}\n`)
    // Both are written even when the stream is full after the head: a payload left out would shift every entry after it.
    const roomAfterLine = this.out.write(line)
    const roomAfterPayload = payload.length ? this.out.write(payload) : true
    if (!roomAfterLine || !roomAfterPayload) await drained(this.out)
  }

  /** Ends the stream once everything written has been taken. */
  end(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.once('error', reject)
      this.out.end(resolve)
    })
  }
}

function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      out.off('drain', onDrain)
      reject(err)
    }
    const onDrain = () => {
      out.off('error', onError)
      resolve()
    }
    out.once('drain', onDrain).once('error', onError)
  })
}

/** Reads the entries of an archive's body in order. */
export async function* readEntries(input: Readable): AsyncGenerator<Entry> {
  let buffered: Buffer = Buffer.alloc(0)
  let head: Entry['head'] | null = null
  for await (const chunk of input) {
    buffered = buffered.length ? Buffer.concat([buffered, chunk as Buffer]) : (chunk as Buffer)
    for (;;) {
      if (!head) {
        const newline = buffered.indexOf(10)
        if (newline < 0) break
        head = JSON.parse(buffered.subarray(0, newline).toString('utf8')) as Entry['head']
        buffered = buffered.subarray(newline + 1)
      }
      if (buffered.length < head.length) break
      const payload = buffered.subarray(0, head.length)
      buffered = buffered.subarray(head.length)
      const entry: Entry = { head, payload }
      head = null
      yield entry
    }
  }
  if (head || buffered.length) throw new Error('The archive ends inside an entry')
}
