import { z } from 'zod'
import { KIND_DECLARATIONS } from '../message-kinds.js'

/**
 * Every kind of email, as the domains declare them (core/domains/message-kinds.ts): what a template or a queued message
 * may be, and what the queries, actions and pages offer. No file lists them by name.
 */
export const MESSAGE_KINDS = [...KIND_DECLARATIONS.keys()] as [string, ...string[]]

/** A kind of email in a query, an action or a record: one of MESSAGE_KINDS. */
export const messageKind = z.enum(MESSAGE_KINDS)
