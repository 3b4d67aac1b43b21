import type { MessageKind } from './model.js'

/** Where a template places the link that stops reach-outs. */
const PLACE = /\{\{\s*stop_link\s*\}\}/

/** A reach-out's body with the line that stops them at the end, unless its template places {{stop_link}} itself. */
export function withStopLine(kind: MessageKind | undefined, body: string): string {
  if (kind !== 'reach_out' || PLACE.test(body)) return body
  return `${body.trimEnd()}\n\nNo more of these emails: {{stop_link}}`
}
