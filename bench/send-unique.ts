import { nameTag } from './name-tag.js'

/**
 * What makes one send unique, the same shape from every sender (the load process and the pg baseline alike): the
 * sender's pid and its count of sends. A number in a note's or a visit's words decides how much work PostgreSQL's
 * redaction does on it (nine digits close together are checked for a card or an SSN), so a side whose texts carried
 * fewer digits would be measured on cheaper writes.
 */
export function sendUnique(count: number): string {
  return `${process.pid}x${count}`
}

/** A body's JSON with each `{{n}}` replaced by the send's unique text and each `{{tag}}` by the same in letters (a name). */
export function fillUnique(json: string, count: number): string {
  const unique = sendUnique(count)
  return json.replaceAll('{{n}}', unique).replaceAll('{{tag}}', nameTag(unique))
}

/** The unique text of a slice's app call, its `{{n}}` filled by the load process. */
export function appUnique(label: string): string {
  return `app${label}n{{n}}`
}

/** The unique text of a slice's n-th baseline operation: the app's shape, so both sides' words cost PostgreSQL the same. */
export function baselineUnique(label: string, n: number): string {
  return `base${label}n${sendUnique(n)}`
}

/**
 * A recorded parameter with its marker replaced by an operation's unique text, and the marker in letters (a name made
 * with nameTag) by the same in letters, in a list too: a replay writes what the app's call writes, a name as a name.
 * The marker must carry a digit, so that its letters differ from it.
 */
export function unmarked(p: unknown, marker: string, unique: string): unknown {
  if (nameTag(marker) === marker) throw new Error(`a marker needs a digit to tell it from its letters: ${marker}`)
  if (typeof p === 'string') return p.replaceAll(marker, unique).replaceAll(nameTag(marker), nameTag(unique))
  return Array.isArray(p) ? p.map((v) => unmarked(v, marker, unique)) : p
}
