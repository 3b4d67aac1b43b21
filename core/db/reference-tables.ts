/**
 * The tables that hold no one business's rows. Every other table is distributed by tenant_id when the database is
 * sharded (docs/sharding.md); these are copied whole to every node as reference tables. test/core/db/shardable-schema.test.ts
 * fails for a table without tenant_id that is missing here, and for a tenant table that breaks the sharding rules.
 */
export const REFERENCE_TABLES: Readonly<Record<string, string>> = {
  tenants: 'the businesses themselves: every tenant table refers to one, and operator and worker scans list them',
  secret_lookups: "a presented secret's hash to its business, read before any business is known",
  oauth_clients: 'OAuth clients register once for the whole service, before any business approves them',
  installation: 'one row for the whole service: the business made at first start',
  personal_data: "one row for the whole service: the code's declarations of personal data, written at start",
  rate_limit_windows: 'limits count attempts per client address or key, before any business is known',
  send_pacing: "the email provider's send rate is shared by every business",
  send_permits: "the email provider's send rate is shared by every business",
  schema_migrations: 'the migrations applied to the whole database',
  schema_functions: 'the SQL function files applied to the whole database',
  backup_runs: 'a backup holds the whole service or one business, and is made by the service itself',
}
