/**
 * A Blob of bytes already in memory whose arrayBuffer() is one copy of them. Node 20's own Blob reads its parts back in
 * chunks and joins them: for a migrated database's dump (about 30 MB) that was a third of the embedded engine's start,
 * which reads the whole dump with arrayBuffer().
 */
export class BytesBlob extends Blob {
  readonly #bytes: Uint8Array

  constructor(bytes: Uint8Array | ArrayBuffer) {
    // A plain Uint8Array over the same memory: a Buffer's slice() is a view, not the copy arrayBuffer() must give.
    const view = bytes instanceof Uint8Array ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes)
    super([view])
    this.#bytes = view
  }

  /** A copy of the bytes, as Blob's own answers a buffer of its own each time (a caller may transfer or change it). */
  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.#bytes.slice().buffer)
  }
}
