import type { Services } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import type { TemplateValues } from '../../text/templating.js'
import type { TenantSettings } from '../settings/model.js'
import { followUpStopReason } from './follow-up-checks.js'

/** A queued message as its kind sees it at delivery: the row of scheduled_messages. */
export type KindMessage = Record<string, unknown> & { id: string; kind: string; contact_id: string }

/** The words of one template. */
export interface TemplateText {
  name: string
  subject: string
  body: string
}

/**
 * A kind's words as a text, when it may go by text: short (one segment where it can be), opening with the business's name,
 * made only from the product's words and the record's values; and which of the customer's consents it needs.
 */
export interface KindText {
  words: string
  /** service: visit texts (confirmations, reminders, "on my way", pay links); marketing: reach-outs, also only 8:00-21:00 in the customer's zone. */
  consent: 'service' | 'marketing'
}

/** Why a message must not go now: cancelled with this reason, or held until then and why. */
export type KindHold = { cancel: string } | { until: Date; why: string }

/**
 * One kind of email, declared by the domain that owns it and exported as `messageKinds` from that domain's
 * `message-kinds.ts`; delivery and the default templates find it by the message's kind (core/domains/message-kinds.ts).
 */
export interface KindDeclaration {
  /** The kind as scheduled_messages stores it, e.g. 'quote'. */
  kind: string
  /** How the owner's pages name the kind, e.g. 'Quote follow-up'. */
  label: string
  /**
   * The template every business starts with for this kind, also the built-in text when a business has no default.
   * Absent for a kind that only ever goes by text (its `text` then says everything): it has no template to edit.
   */
  template?: TemplateText
  /** Whether the message must not go now (its own records read by its own SQL); null when it may. */
  holdBack?(tx: Queryable, message: KindMessage, now: Date): Promise<KindHold | null>
  /** Its words as a text, for customers who chose texts; a kind without them always goes by email. */
  text?: KindText
  /** The links this email carries, made as it is sent (the domain's own issuer); the values the template names them by. */
  issueLinks?(tx: Queryable, services: Services, tenantId: string, message: KindMessage): Promise<TemplateValues>
}

/**
 * Variables a domain fills in templates, each with what it holds when a message is rendered, exported as
 * `templateVariables` from the domain's `message-kinds.ts`: together, every variable a template may use.
 */
export type TemplateVariables = Readonly<Record<string, string>>

/** The made-up visit a template preview shows: its day (YYYY-MM-DD, a week ahead) and its start at 9:00, in the business's zone. */
export interface SampleVisit {
  settings: TenantSettings
  day: string
  start: Date
}

/**
 * Made-up values of the variables a domain fills, for a template preview without a real customer, exported as
 * `templateSamples` from the domain's `message-kinds.ts`.
 */
export type TemplateSamples = (visit: SampleVisit) => TemplateValues

/** The record a message is about, as scheduled_messages names it. */
export type MessageRecordColumn = 'ticket_id' | 'invoice_id' | 'quote_id' | 'customer_plan_id' | 'slot_offer_id'

/** When the values are read: the business's settings, and its calendar day on which the email goes (YYYY-MM-DD). */
export interface ValuesMoment {
  settings: TenantSettings
  sendDay: string
}

/**
 * What a record gives the template of any message about it (a visit, an invoice, a quote, a plan), declared by the
 * domain that owns the record and exported as `messageValues` from its `message-kinds.ts`: the variables' values, read
 * by that domain's own SQL. Several domains may give values for one column (an invoice's lines, a saved card's note).
 */
export interface RecordValues {
  /** The column of scheduled_messages that names the record. */
  column: MessageRecordColumn
  /** The variables' values for that record; those it cannot fill are left out (the render names them as missing). */
  values(tx: Queryable, id: string, moment: ValuesMoment): Promise<TemplateValues>
}

/** A hold that cancels for this reason, or none. */
export function cancelFor(reason: string | null): KindHold | null {
  return reason ? { cancel: reason } : null
}

/** The hold of a follow-up step (invoice_reminder, quote_follow_up, review_request): stopped when what it chases is settled. */
export async function followUpHold(tx: Queryable, message: KindMessage, now: Date): Promise<KindHold | null> {
  return cancelFor(await followUpStopReason(tx, message, now))
}
