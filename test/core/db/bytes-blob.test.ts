import { MessageChannel } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { BytesBlob } from '../../../core/db/bytes-blob.js'

describe('a Blob of bytes in memory', () => {
  it('is a Blob of the same bytes, its size, text and stream included', async () => {
    const blob = new BytesBlob(Buffer.from('a dump of a data folder'))
    expect(blob).toBeInstanceOf(Blob)
    expect(blob.size).toBe(23)
    expect(await blob.text()).toBe('a dump of a data folder')
    expect(Buffer.from(await new Response(blob.stream()).arrayBuffer()).toString()).toBe('a dump of a data folder')
  })

  it('answers a buffer of its own each time: a buffer transferred to a thread or changed leaves the next one whole', async () => {
    // A Buffer read from a file: its slice() is a view of the same memory, which a transfer would detach.
    const blob = new BytesBlob(Buffer.from([1, 2, 3, 4]))
    const first = await blob.arrayBuffer()
    new Uint8Array(first).fill(9)
    const { port1, port2 } = new MessageChannel()
    port1.postMessage(first, [first])
    port1.close()
    port2.close()
    expect(first.byteLength).toBe(0)
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([1, 2, 3, 4])
  })

  it('takes an ArrayBuffer as well, and a view of part of one', async () => {
    expect([...new Uint8Array(await new BytesBlob(new Uint8Array([5, 6]).buffer).arrayBuffer())]).toEqual([5, 6])
    const part = new Uint8Array([0, 7, 8, 0]).subarray(1, 3)
    expect([...new Uint8Array(await new BytesBlob(part).arrayBuffer())]).toEqual([7, 8])
  })
})
