import { backgroundWork } from './background.js'
import type { ConsentGate } from './authorize.js'
import { emailClientFromConfig } from '../clients/email.js'
import { llmClientFromEnv } from '../clients/llm.js'
import type { Config } from './config.js'
import type { Services } from './context.js'
import type { Database } from '../db/types.js'
import { documentStoreFor } from '../documents/choose-store.js'
import { CAPABILITIES, integrationClients } from '../domains/plugged-in.js'
import { DOMAIN_MODULES } from '../domains/index.js'
import { createRegistry, type Registry } from './registry.js'
import { secretBoxFromEnv } from './secret-box.js'

/** What plugs into core from outside it: the owner's consent for agents' calls. */
export interface Plugins {
  consent: ConsentGate
}

/** Every domain's operations in one registry. */
export function domainRegistry(): Registry {
  return createRegistry(DOMAIN_MODULES)
}

/** The long-lived parts for one database, with the plugins in place; tests may replace any of them (a capability's client by its name). */
export function assembleServices(config: Config, db: Database, plugins: Plugins, overrides: Partial<Services> = {}): Services {
  return {
    db,
    config,
    registry: domainRegistry(),
    capabilities: CAPABILITIES,
    consent: plugins.consent,
    email: emailClientFromConfig(config, db),
    llm: llmClientFromEnv(config.environment),
    secrets: secretBoxFromEnv(config.environment),
    documents: documentStoreFor(config, db),
    now: () => new Date(),
    background: backgroundWork(),
    ...overrides,
    // A test replaces one capability's client and keeps the others.
    integrations: { ...integrationClients(overrides.config ?? config), ...overrides.integrations },
  }
}
