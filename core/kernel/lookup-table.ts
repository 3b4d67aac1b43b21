/**
 * A fixed table looked up by the caller's text (a word, a name, a query parameter), made without a prototype: then
 * "constructor", "__proto__", "toString" or "valueOf" find nothing, like any other unknown key, instead of the members
 * every plain object inherits. `key in table` and `table[key]` read only the table's own entries.
 */
export function lookupTable<T extends Record<string, unknown>>(entries: T): Readonly<T> {
  return Object.freeze(Object.assign(Object.create(null) as T, entries))
}
