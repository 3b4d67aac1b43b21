import type { Caller } from './call-action.js'
import type { Config } from './config.js'
import type { Services } from './context.js'
import type { MessageChannel } from './message-channel.js'

/**
 * What a capability (an integration with an outside service, or a way in for mail) plugs into the product, exported as `capability`
 * from its domain's front file (core/domains/<name>/index.ts) and collected by core/domains/plugged-in.ts. Every part
 * is optional; the central files loop over the collected list and name no capability. docs/architecture.md says where
 * each part shows and what lives in the capability's console folder instead.
 */
export interface Capability {
  /** Its domain's folder name; its client is kept under this name in services.integrations. */
  name: string
  /** Its client or settings, made by its own typed parser from the environment snapshot core/kernel/config.ts took; null when off. */
  client?: (config: Config) => unknown
  /** Periodic work the worker runs. */
  jobs?: readonly CapabilityJob[]
  /** Provider webhooks the api mounts, and the doctor checks. */
  webhooks?: readonly CapabilityWebhook[]
  /** Its line in the start banner, as "name: state" (on and where, or off and what to set). */
  banner?: (services: Services) => string
  /** Its line in daily_briefing when something needs the owner, else null. */
  briefing?: (caller: Caller) => Promise<string | null>
  /** Its link on the owner's "More" page. */
  settingsLink?: { path: string; label: string }
  /** Its pages as the owner's search finds them. */
  places?: readonly PagePlace[]
  /** A way messages reach customers besides email: delivery sends the messages queued on this channel through it. */
  channel?: MessageChannel
}

/** A page of the pages as a search result: its title, address, one line about it, and the words that find it. */
export interface PagePlace {
  title: string
  path: string
  about: string
  words: string[]
  roles: ReadonlyArray<'owner' | 'technician'>
}

/** One business whose part of a job failed; the job went on with the others. tenant_id is null when the job failed as a whole. */
export interface JobFailure {
  tenant_id: string | null
  /** The job's name: one of the worker's own, or a capability job's. */
  job: string
  error: string
}

/** Periodic work of a capability: run by every worker pass beside the other jobs (never holding up due emails). */
export interface CapabilityJob {
  /** Its name in logs and in a pass's failures; also the key that keeps one run per process at a time. */
  name: string
  /** What the operator's log says when it fails as a whole. */
  failure: string
  pass(services: Services): Promise<{ failures: JobFailure[] }>
}

/** A provider's delivery as a webhook receives it, whatever serves HTTP: the exact bytes (signatures cover them) and headers. */
export interface WebhookDelivery {
  body: Buffer
  header(name: string): string | undefined
  requestId: string
}

/** A provider webhook: where it is served, how the doctor judges its setup, and what it does with a delivery. */
export interface CapabilityWebhook {
  /** A short name, also the doctor's item (webhook_<name>). */
  name: string
  /** How an owner names it. */
  label: string
  path: string
  /** The variable holding its signing secret; null when the provider signs each delivery otherwise. */
  secretVariable: string | null
  /** Whether the capability is configured at all, and whether its secret is set, in this configuration. */
  setup(config: Config): { on: boolean; secretSet: boolean }
  /** What goes missing while the secret is unset, and whether that breaks the capability (fail) or only slows it (warn). */
  withoutSecret: { status: 'fail' | 'warn'; effect: string }
  /** Where the provider's side is set up, for the doctor's fix. */
  setUpAt: string
  /** Handles one delivery; the answer's data (or a WebhookReply in the provider's format), or a thrown AppError (a refusal, or UNAVAILABLE while off). */
  receive(services: Services, delivery: WebhookDelivery): Promise<unknown>
}

/** A webhook's answer in the provider's own format (Twilio's TwiML) instead of the envelope. */
export class WebhookReply {
  constructor(
    readonly contentType: string,
    readonly body: string,
  ) {}
}

/** The client a capability made for these services (services.integrations[name]), or null while it is off. */
export function integrationOf<T>(services: Pick<Services, 'integrations'>, name: string): T | null {
  return (services.integrations[name] as T | undefined) ?? null
}

/** Whether a front file's export is a capability. */
export function isCapability(value: unknown): value is Capability {
  return typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string'
}

/**
 * A job's pass that runs at most once in `everyMs` per set of services, so a worker's five-second passes do not open
 * every business each time (a clock moved back runs it at once).
 */
export function atMostEvery(everyMs: number, run: (services: Services) => Promise<{ failures: JobFailure[] }>) {
  const lastLook = new WeakMap<Services, number>()
  return async (services: Services): Promise<{ failures: JobFailure[] }> => {
    const now = services.now().getTime()
    const last = lastLook.get(services)
    if (last !== undefined && now - last < everyMs && now >= last) return { failures: [] }
    lastLook.set(services, now)
    return run(services)
  }
}
