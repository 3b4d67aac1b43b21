// node-postgres turns a JavaScript value into a statement parameter with this function; it ships without types.
declare module 'pg/lib/utils.js' {
  /** A value as node-postgres sends it: text, bytes (Buffer) or null. */
  export function prepareValue(value: unknown): string | Buffer | null
}
