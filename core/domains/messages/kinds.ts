import { z } from 'zod'
import { KIND_DECLARATIONS } from '../message-kinds.js'

/**
 * Every kind of email, as the domains declare them (core/domains/message-kinds.ts): what a template or a queued message
 * may be, and what the queries, actions and pages offer. No file lists them by name.
 */
export const MESSAGE_KINDS = [...KIND_DECLARATIONS.keys()] as [string, ...string[]]

/** A kind of email in a query, an action or a record: one of MESSAGE_KINDS. */
export const messageKind = z.enum(MESSAGE_KINDS)

/** Which consent a kind needs to go by text (visit texts or marketing); null for a kind that never goes by text. */
export function textConsentOf(kind: string): 'service' | 'marketing' | null {
  return KIND_DECLARATIONS.get(kind)?.text?.consent ?? null
}
