import { AUTHORIZATION_MODULES, authorizationGate } from '../authorization-queue/gate.js'
import type { Config } from '../core/config.js'
import type { Services } from '../core/context.js'
import type { Database } from '../core/db/types.js'
import type { Registry } from '../core/registry.js'
import { assembleServices, registryWith, type Plugins } from '../core/services.js'

/** Core with the Model Authorization Queue plugged in: the product as the server, the CLI and the tests run it. */
const PRODUCT: Plugins = { modules: AUTHORIZATION_MODULES, consent: authorizationGate }

/** The product's long-lived parts for one database; tests may replace any of them. */
export function createServices(config: Config, db: Database, overrides: Partial<Services> = {}): Services {
  return assembleServices(config, db, PRODUCT, overrides)
}

/** The product's registry of actions and data types. */
export function buildRegistry(): Registry {
  return registryWith(PRODUCT)
}
