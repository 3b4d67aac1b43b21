import type { Queryable } from '../db/types.js'
import type { Services } from './context.js'

/** A queued message as a channel sees it: the row of scheduled_messages. */
export type ChannelMessage = Record<string, unknown> & { id: string; kind: string; contact_id: string; channel: string }

/** Why a message cannot go on a channel now: failed for good with this reason, cancelled, or held until then and why. */
export type ChannelRefusal = { fail: string } | { cancel: string } | { until: Date; why: string }

/** What a channel hands its provider for one message, kept so a later attempt sends the very same words. */
export interface ChannelOutgoing {
  /** The customer's address on this channel (a phone number in E.164 for texts). */
  to: string
  body: string
}

/**
 * A way a declared kind of message reaches its customer besides email (texts), given by a capability's manifest
 * (core/kernel/plug-in.ts). Delivery (core/jobs/deliver.ts) claims, renders, retries and audits every message alike and
 * asks the message's channel only what is its own: whether this customer may get it now, where it goes, and the send.
 */
export interface MessageChannel {
  /** The channel as scheduled_messages.channel stores it. */
  name: string
  /** Whether the channel is on at all on this server; when off, its messages fail with this reason. */
  offReason(services: Services): string | null
  /** Why this message must not go to its customer now (consent, opt-out, quiet hours, a daily limit); null when it may. */
  refuse(tx: Queryable, services: Services, message: ChannelMessage, now: Date): Promise<ChannelRefusal | null>
  /** The customer's address on this channel; null when they have none. */
  addressOf(tx: Queryable, services: Services, message: ChannelMessage): Promise<string | null>
  /** Sends once: a repeated call for the same message never sends it twice. Returns the provider's id. */
  send(services: Services, tenantId: string, message: ChannelMessage, outgoing: ChannelOutgoing): Promise<{ id: string }>
}

/** The channel a message goes by, from the capabilities plugged in; null when none gives it. */
export function channelNamed(services: Services, name: string): MessageChannel | null {
  return services.capabilities.find((c) => c.channel?.name === name)?.channel ?? null
}

/** Whether a channel besides email (texts) is plugged in and on at this server now. */
export function channelOn(services: Services, name: string): boolean {
  const channel = channelNamed(services, name)
  return Boolean(channel && !channel.offReason(services))
}
