import type { LoadRequest } from './load-process.js'

/** Why an answer is wrong for its request (the expected text missing, or the refused text present); null when it is right. */
export function wrongAnswer(r: Pick<LoadRequest, 'expect' | 'refuse'>, text: string): string | null {
  if (r.expect !== undefined && !text.includes(r.expect)) return `lacks ${r.expect}`
  if (r.refuse !== undefined && text.includes(r.refuse)) return `has ${r.refuse}`
  return null
}
