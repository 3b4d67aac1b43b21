import type { Config } from '../core/kernel/config.js'
import type { Services } from '../core/kernel/context.js'
import type { Database } from '../core/db/types.js'
import { authorizationGate } from '../core/domains/approvals/gate.js'
import type { Registry } from '../core/kernel/registry.js'
import { assembleServices, domainRegistry, type Plugins } from '../core/kernel/services.js'

/** Core with the owner's consent plugged in (the approvals queue): the product as the server, the CLI and the tests run it. */
const PRODUCT: Plugins = { consent: authorizationGate }

/** The product's long-lived parts for one database; tests may replace any of them. */
export function createServices(config: Config, db: Database, overrides: Partial<Services> = {}): Services {
  return assembleServices(config, db, PRODUCT, overrides)
}

/** The product's registry of actions and data types. */
export function buildRegistry(): Registry {
  return domainRegistry()
}
