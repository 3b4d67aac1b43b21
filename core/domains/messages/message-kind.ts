import type { Services } from '../../context.js'
import type { Queryable } from '../../db/types.js'
import type { TemplateValues } from '../../templating.js'

/** A queued message as its kind sees it at delivery: the row of scheduled_messages. */
export type KindMessage = Record<string, unknown> & { id: string; kind: string; contact_id: string }

/**
 * One kind of email, declared by the domain that owns it and exported from that domain's front file as
 * `messageKinds`; delivery finds it by the message's kind (core/domains/message-kinds.ts).
 */
export interface MessageKind {
  /** The kind as scheduled_messages stores it, e.g. 'quote'. */
  kind: string
  /** The links this email carries, made as it is sent (the domain's own issuer); the values the template names them by. */
  issueLinks?(tx: Queryable, services: Services, tenantId: string, message: KindMessage): Promise<TemplateValues>
}
