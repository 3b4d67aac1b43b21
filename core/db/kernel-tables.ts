/**
 * The tables core itself owns, beneath every domain: any domain's SQL may name them. Each domain declares its own in its
 * front file's `tables`; test/architecture/table-owners.test.ts fails for a table with no owner or two.
 */
export const KERNEL_TABLES: readonly string[] = [
  // businesses, people and how they sign in (core/kernel/tenants.ts, core/auth)
  'tenants',
  'installation',
  'users',
  'agent_tokens',
  'magic_links',
  'sessions',
  'oauth_clients',
  'oauth_codes',
  'oauth_tokens',
  'secret_lookups',
  'rate_limit_windows',
  'security_events',
  // what every operation shares (core/kernel/operations.ts, core/kernel/audit.ts, core/kernel/counters.ts)
  'audit_log',
  'idempotency_keys',
  'tenant_counters',
  // clients and stores every domain reaches through core (core/clients, core/documents, core/personal-data)
  'email_outbox',
  'email_events',
  'send_pacing',
  'send_permits',
  'llm_usage',
  'document_blobs',
  'personal_data',
  // the service's own records (core/db/migrate.ts, core/backup)
  'schema_migrations',
  'schema_functions',
  'backup_runs',
]
