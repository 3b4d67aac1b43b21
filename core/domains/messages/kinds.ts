import { z } from 'zod'
import { KIND_DECLARATIONS } from '../message-kinds.js'

/**
 * Every kind of email, as the domains declare them (core/domains/message-kinds.ts): what a template or a queued message
 * may be, and what the queries, actions and pages offer. No file lists them by name.
 */
export const MESSAGE_KINDS = [...KIND_DECLARATIONS.keys()] as [string, ...string[]]

/** A kind of message in a query or a record: one of MESSAGE_KINDS. */
export const messageKind = z.enum(MESSAGE_KINDS)

/** The kinds that go by email too, each with a template a business may edit; a kind only ever texted has none. */
export const TEMPLATE_KINDS = [...KIND_DECLARATIONS.values()].filter((k) => k.template).map((k) => k.kind) as [string, ...string[]]

/** A kind of email in a template or an email written now: one of TEMPLATE_KINDS. */
export const templateKind = z.enum(TEMPLATE_KINDS)

/** Which consent a kind needs to go by text (visit texts or marketing); null for a kind that never goes by text. */
export function textConsentOf(kind: string): 'service' | 'marketing' | null {
  return KIND_DECLARATIONS.get(kind)?.text?.consent ?? null
}
