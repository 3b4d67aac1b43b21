import { loadConfig } from '../core/kernel/config.js'
import { nameWithEmail } from '../core/vocabulary/person-name.js'
import { createTenant, newTenantInput } from '../core/kernel/tenants.js'
import { parseCommandArgs, parseOptions, withDatabase } from './command.js'

/** `crm tenant create`: a new business with its owner and a first agent token. */
export async function runTenantCreate(argv: string[]): Promise<string> {
  const { values } = parseCommandArgs(
    argv,
    {
      name: { type: 'string' },
      'owner-email': { type: 'string' },
      'owner-name': { type: 'string' },
      timezone: { type: 'string' },
      json: { type: 'boolean' },
    },
    { required: ['name', 'owner-email'] },
  )
  // Checked before the database is opened, so a typo costs nothing and needs no free data folder.
  const input = parseOptions(
    newTenantInput,
    {
      name: values.name,
      owner_email: values['owner-email'],
      owner_name: values['owner-name'],
      timezone: values.timezone,
    },
    { name: '--name', owner_email: '--owner-email', owner_name: '--owner-name', timezone: '--timezone' },
  )
  const created = await withDatabase('tenant create', (db) => createTenant(db, input))
  if (values.json) return JSON.stringify(created)
  const base = loadConfig().publicBaseUrl
  return [
    `Created business "${input.name}" (time zone ${input.timezone}).`,
    `  tenant id:   ${created.tenant_id}`,
    `  owner:       ${nameWithEmail(input.owner_name ?? '', input.owner_email)} (user ${created.owner_user_id})`,
    `  agent token: ${created.agent_token}`,
    'The agent token is shown only this once: store it now.',
    `The owner signs in at ${base} by asking for a sign-in link for ${input.owner_email}.`,
    ...(input.owner_name
      ? []
      : [`No --owner-name: pages, cards and the agent show the email until the owner types a name on their card at ${base}/team.`]),
  ].join('\n')
}
