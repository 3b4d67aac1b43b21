import { emailClientFromConfig } from './clients/email.js'
import { llmClientFromEnv } from './clients/llm.js'
import { paymentsClientFromEnv } from './clients/payments.js'
import type { Config } from './config.js'
import type { Services } from './context.js'
import type { Database } from './db/types.js'
import { buildRegistry } from './domains/index.js'

/** The product's long-lived parts for one database; tests may replace any of them. */
export function createServices(config: Config, db: Database, overrides: Partial<Services> = {}): Services {
  return {
    db,
    config,
    registry: buildRegistry(),
    email: emailClientFromConfig(config, db),
    llm: llmClientFromEnv(process.env),
    payments: paymentsClientFromEnv(process.env),
    now: () => new Date(),
    ...overrides,
  }
}
