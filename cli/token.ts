import { z } from 'zod'
import { writeAudit } from '../core/kernel/audit.js'
import { createAgentToken, listAgentTokens, revokeAgentToken } from '../core/auth/agent-tokens.js'
import { withTenant } from '../core/db/tenant.js'
import { businessOf, tenantOption } from './business.js'
import { parseCommandArgs, parseOptions, withDatabase } from './command.js'

const newTokenInput = z.object({
  tenant: tenantOption,
  name: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
})

/** `crm token create`: a new agent token for an existing business. */
export async function runTokenCreate(argv: string[]): Promise<string> {
  const { values } = parseCommandArgs(
    argv,
    {
      tenant: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean' },
    },
    { required: ['name'] },
  )
  const input = parseOptions(newTokenInput, { tenant: values.tenant, name: values.name }, { tenant: '--tenant', name: '--name' })
  const { business, token } = await withDatabase('token create', async (db) => {
    const business = await businessOf(db, input.tenant)
    const token = await withTenant(db, { tenantId: business.id, actorType: 'system', requestId: 'cli' }, async (tx) => {
      const created = await createAgentToken(tx, business.id, input.name)
      await writeAudit(
        tx,
        { tenantId: business.id, actor: { type: 'system', id: null }, requestId: 'cli', reasoning: null },
        { entityType: 'agent_token', entityId: created.id, action: 'create', after: { name: created.name, prefix: created.prefix } },
      )
      return created
    })
    return { business, token }
  })
  if (values.json) return JSON.stringify({ agent_token: token.token })
  return [
    `Created agent token "${token.name}" (crm_${token.prefix}) for business "${business.name}" (${business.id}):`,
    `  ${token.token}`,
    `It is shown only this once: store it now. Revoke it with: crm token revoke crm_${token.prefix}`,
  ].join('\n')
}

/** `crm token revoke`: the token with this prefix stops working at once. */
export async function runTokenRevoke(argv: string[]): Promise<string> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } }, { positionals: ['PREFIX'] })
  const prefix = parseOptions(
    z.string().regex(/^(crm_)?[a-z0-9]{8}(_[A-Za-z0-9_-]+)?$/, 'expected the token prefix shown by crm token list, such as crm_ab12cd34'),
    positionals[0],
    { '': 'PREFIX' },
  )
  const revoked = await withDatabase('token revoke', (db) => revokeAgentToken(db, prefix))
  if (values.json)
    return JSON.stringify({ prefix: `crm_${revoked.prefix}`, tenant_id: revoked.tenant_id, name: revoked.name, revoked: true })
  return `Revoked agent token crm_${revoked.prefix} ("${revoked.name}") of tenant ${revoked.tenant_id}.`
}

/** `crm token list`: a business's tokens, without their secrets. */
export async function runTokenList(argv: string[]): Promise<string> {
  const { values } = parseCommandArgs(argv, { tenant: { type: 'string' }, json: { type: 'boolean' } })
  const given = parseOptions(tenantOption, values.tenant, { '': '--tenant' })
  const { business, tokens } = await withDatabase('token list', async (db) => {
    const business = await businessOf(db, given)
    return { business, tokens: (await listAgentTokens(db, business.id)) as TokenRow[] }
  })
  if (values.json) return JSON.stringify(tokens)
  if (!tokens.length) return `Business "${business.name}" (${business.id}) has no agent tokens.`
  const rows = tokens.map((t) => [
    t.prefix,
    t.name,
    stamp(t.created_at),
    stamp(t.last_used_at) || 'never',
    t.revoked_at ? `revoked ${stamp(t.revoked_at)}` : 'active',
  ])
  return table([['PREFIX', 'NAME', 'CREATED', 'LAST USED', 'STATUS'], ...rows])
}

/** A listed token; a type alias so a plain database row converts to it. */
type TokenRow = {
  id: string
  name: string
  prefix: string
  created_at: Date
  last_used_at: Date | null
  revoked_at: Date | null
}

function stamp(d: Date | null): string {
  return d ? `${d.toISOString().slice(0, 16).replace('T', ' ')}Z` : ''
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
