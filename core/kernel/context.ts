import type { BackgroundWork } from './background.js'
import type { Capability } from './plug-in.js'
import type { ConsentGate } from './authorize.js'
import type { Config } from './config.js'
import type { Database, Queryable } from '../db/types.js'
import type { DocumentStore } from '../documents/store.js'
import type { EmailClient } from '../clients/email.js'
import type { LlmClient } from '../clients/llm.js'
import type { Registry } from './registry.js'
import type { SecretBox } from './secret-box.js'

/** Who is acting: a person signed in, an agent holding a token, or the system itself. */
export type Actor =
  | { type: 'user'; id: string; role: 'owner' | 'technician'; name?: string }
  | {
      type: 'agent'
      id: string
      name?: string /** The owner who allowed this very call from the queue, when one did. */
      approvedBy?: string
    }
  | { type: 'system'; id: null }

/** The id of the person acting, or null for an agent or the system (a record's "made by" or "confirmed by"). */
export function personIdOf(actor: Actor): string | null {
  return actor.type === 'user' ? actor.id : null
}

/** An actor inside one business. */
export interface Principal {
  tenantId: string
  actor: Actor
  /**
   * An agent token this server remembers rather than looked up for this request (core/auth/agent-tokens.ts): each of
   * its transactions checks with BEGIN that the token is still live, so a revocation in any process reaches it at once.
   */
  liveToken?: string
}

/** The long-lived parts every operation may use. */
export interface Services {
  db: Database
  config: Config
  registry: Registry
  /** The owner's consent: their levels for actions, and the queue of calls waiting for them. */
  consent: ConsentGate
  email: EmailClient
  /** Structured extraction; null when no model is configured. */
  llm: LlmClient | null
  /**
   * Every capability (core/domains/plugged-in.ts): what the worker, the api, the pages and the briefing loop over.
   * Read from here rather than imported, so that no file loaded while the domains are still being found waits for them.
   */
  capabilities: readonly Capability[]
  /** Each capability's client by its name (core/domains/plugged-in.ts), read through integrationOf; null while it is off. */
  integrations: Record<string, unknown>
  /** Seals the secrets kept for a business (integration tokens); null when no CRM_ENCRYPTION_KEY is set. */
  secrets: SecretBox | null
  /** Where the bytes of documents are kept. */
  documents: DocumentStore
  /** The current time; tests may fix it. */
  now: () => Date
  /** Work that goes on after a call has answered (an import's dry run and run). */
  background: BackgroundWork
}

/** One change as the audit records it. */
export interface AuditEntry {
  entityType: string
  entityId: string
  action: string
  /** Snapshots before and after; the changed fields are derived from them. */
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
}

/** What an action or query runs with: the tenant's transaction, who acts, and why. */
export interface OperationContext {
  tenantId: string
  actor: Actor
  requestId: string
  reasoning: string | null
  db: Queryable
  services: Services
  audit(entry: AuditEntry): Promise<void>
  /** Runs fn once the transaction has committed (emails and other effects outside the database). */
  afterCommit(fn: () => Promise<void>): void
}
