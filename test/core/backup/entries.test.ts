import { Readable, Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { EntryWriter, readEntries } from '../../../core/backup/entries.js'

/** A stream that takes a little at a time and answers later, as gzip does when the machine is busy. */
function slowSink(): { stream: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = []
  const stream = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk)
      setImmediate(done)
    },
  })
  return { stream, bytes: () => Buffer.concat(chunks) }
}

describe('archive entries', () => {
  it('keeps every payload when the stream is full after an entry’s head, and read back the same', async () => {
    const sink = slowSink()
    const out = new EntryWriter(sink.stream)
    const written = [
      { head: { type: 'manifest', note: 'a head longer than the stream takes at once' }, payload: Buffer.alloc(0) },
      // Entries without a payload (a sequence's) between rows fill the stream before the next head.
      ...[...Array(20).keys()].flatMap((i) => [
        { head: { type: 'sequence', name: `seq_${i}` }, payload: Buffer.alloc(0) },
        {
          head: { type: 'rows', table: `table_${i}`, count: i + 1 },
          payload: Buffer.from(`${[...Array(i + 1).keys()].map((n) => JSON.stringify({ id: n, note: 'x'.repeat(i * 7) })).join('\n')}\n`),
        },
      ]),
      { head: { type: 'summary' }, payload: Buffer.alloc(0) },
    ]
    for (const e of written) await out.write(e.head, e.payload)
    await out.end()
    const read = []
    for await (const entry of readEntries(Readable.from([sink.bytes()]))) read.push(entry)
    expect(read.map((e) => ({ head: e.head, payload: e.payload.toString() }))).toEqual(
      written.map((e) => ({ head: { ...e.head, length: e.payload.length }, payload: e.payload.toString() })),
    )
  })
})
