import type { Command } from './command.js'

/** How --tenant reads in a command's usage text: a business id, left out when the database holds only one business. */
const TENANT_ARG = '[--tenant ID]'

/** Where the owner manages agent tokens in the console, which works while the server holds the embedded data folder. */
const TOKENS_PAGE = '/review/connections'

/** Where the owner imports a file in the console. */
const IMPORT_PAGE = { path: '/import', does: 'import the file' }

/**
 * Every operator command: its words, and its code, imported when it is called. This file imports no command's code,
 * so `crm help` loads none and a command loads its own alone (test/cli/command-loading.test.ts).
 */
export const COMMANDS: Command[] = [
  {
    name: 'tenant create',
    args: '--name NAME --owner-email EMAIL [--owner-name NAME] [--timezone America/Chicago] [--json]',
    summary: 'Create a business with its owner and an agent token (the token is shown once)',
    run: async (argv) => (await import('./tenant.js')).runTenantCreate(argv),
  },
  {
    name: 'token create',
    args: `${TENANT_ARG} --name NAME [--json]`,
    summary:
      'Create an agent token for a business (the token is shown once); --tenant may be left out when the database holds one business',
    page: { path: TOKENS_PAGE, does: 'make the token' },
    run: async (argv) => (await import('./token.js')).runTokenCreate(argv),
  },
  {
    name: 'token list',
    args: `${TENANT_ARG} [--json]`,
    summary: "List a business's agent tokens (prefix, name, created, last used, revoked)",
    page: { path: TOKENS_PAGE, does: 'see them' },
    run: async (argv) => (await import('./token.js')).runTokenList(argv),
  },
  {
    name: 'token revoke',
    args: 'PREFIX [--json]',
    summary: 'Revoke an agent token by its visible prefix (crm_xxxxxxxx or xxxxxxxx)',
    page: { path: TOKENS_PAGE, does: 'disconnect it' },
    run: async (argv) => (await import('./token.js')).runTokenRevoke(argv),
  },
  {
    name: 'migrate',
    args: '[--json]',
    summary: 'Apply pending database migrations (the server also does this when it starts)',
    run: async (argv) => (await import('./migrate.js')).runMigrate(argv),
  },
  {
    name: 'mcp',
    args: '[--url URL]',
    summary:
      'Serve MCP over stdio (for clients that only speak stdio). Needs CRM_AGENT_TOKEN. Relays to the running server ' +
      '(--url, CRM_SERVER_URL, or http://HOST:PORT); with no server answering, opens the database itself and sends due emails (unless CRM_WORKER=off).',
    runsUntilStopped: true,
    run: async (argv) => (await import('./mcp.js')).runMcp(argv),
  },
  {
    name: 'demo',
    args: `${TENANT_ARG} [--json]`,
    summary:
      'Load demo data into a business without contacts: a window-cleaning company with customers, a year of completed and billed visits, six weeks of schedule, a recurring series, quotes, leads and a waitlist',
    run: async (argv) => (await import('./demo.js')).runDemo(argv),
  },
  squareImport('square-customers', 'customer directory export (CSV)', async (argv) =>
    (await import('./import.js')).runImportSquareCustomers(argv),
  ),
  squareImport('square-items', 'item library export (CSV) as services', async (argv) =>
    (await import('./import.js')).runImportSquareItems(argv),
  ),
  squareImport(
    'square-sales',
    'item sales export (CSV) as past visits, one closed ticket per transaction; import the customers first',
    async (argv) => (await import('./import.js')).runImportSquareSales(argv),
  ),
  {
    name: 'import csv',
    args: `FILE ${TENANT_ARG} [--map "Header=field,..."] [--source NAME] [--dry-run] [--batch-size N] [--json]`,
    summary:
      'Import customers from any CSV with a column mapping (fields: first_name, last_name, name, email, phone, company, address_line1, ' +
      'address_line2, city, state, postal_code, notes, tags, external_id, attribute:<key>); --dry-run shows the mapping and says row by row ' +
      'what would be created, matched and refused',
    page: IMPORT_PAGE,
    run: async (argv) => (await import('./import-csv.js')).runImportCsv(argv),
  },
  {
    name: 'export',
    args: `TYPE ${TENANT_ARG} [--include a,b] [--filter name=value ...]`,
    summary: 'Write every record of a data type (contacts, tickets, invoices, leads, scheduled_messages, ...) as CSV to stdout',
    page: { path: '/settings', does: 'download the CSV' },
    run: async (argv) => (await import('./export.js')).runExport(argv),
  },
  {
    name: 'worker',
    args: '[--drain] [--batch-size N] [--lease-seconds N] [--json]',
    summary:
      'Send due scheduled emails and mark overdue invoices until stopped (Ctrl-C); --drain sends what is due now and exits. ' +
      'Run the server with CRM_WORKER=off to leave delivery to these processes',
    runsUntilStopped: true,
    run: async (argv) => (await import('./worker.js')).runWorker(argv),
  },
  {
    name: 'backup',
    args: `${TENANT_ARG} [--json]`,
    summary:
      'Make a sealed backup of every business (or --tenant one) and its documents, verified by restoring it into a scratch ' +
      'database; written to CRM_BACKUP_DIR (./backups) and the bucket when set. Needs CRM_BACKUP_KEY. Works while the server runs.',
    run: async (argv) => (await import('./backup.js')).runBackup(argv),
  },
  {
    name: 'restore',
    args: 'FILE|s3://BUCKET/KEY [--replace] [--json]',
    summary:
      'Restore a backup archive into the configured database (CRM_DATA_DIR or DATABASE_URL: either engine, whichever made it), ' +
      'from a file or straight from the bucket (s3://BUCKET/KEY, as the backup reported it, with the CRM_BACKUP_S3_* settings). ' +
      'Refuses a database that holds a business unless --replace (the old one is kept aside); needs the CRM_BACKUP_KEY it was sealed with. ' +
      'Everyone signs in again afterwards.',
    run: async (argv) => (await import('./restore.js')).runRestore(argv),
  },
  {
    name: 'doctor',
    args: '[--url URL] [--json]',
    summary:
      'Check the running deployment and say what to fix: the public https address and its certificate, the proxy, each webhook, ' +
      'the keys, the last verified backup and the archives in the backup folder, the clock, free disk, the database. Asks the server at --url (CRM_SERVER_URL, or http://HOST:PORT); ' +
      'exit code 1 when an item fails',
    run: async (argv) => (await import('./doctor.js')).runDoctor(argv),
  },
]

/** An import of one of Square's exports: the same options and words for each. */
function squareImport(kind: string, what: string, run: Command['run']): Command {
  return {
    name: `import ${kind}`,
    args: `FILE ${TENANT_ARG} [--dry-run] [--batch-size N] [--json]`,
    summary: `Import Square's ${what}; --dry-run says row by row what would be created, matched and refused`,
    page: IMPORT_PAGE,
    run,
  }
}
