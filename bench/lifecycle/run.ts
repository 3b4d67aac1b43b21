import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Services } from '../../core/context.js'
import type { CreatedTenant } from '../../core/tenants.js'
import { localDate, zonedInstant } from '../../core/time.js'
import { JANE, setUpBusiness } from './business.js'
import { CountedClient } from './counted-client.js'
import { customerConfirms, technicianClosesOut, type Mailbox } from './people.js'
import { signedInPerson } from './person-api.js'
import { nextTuesday, runScriptedAgent, type LifecycleOutcome } from './scripted-agent.js'

/** Real time moved forward on demand: the product reads it as services.now. */
export interface MovableClock {
  now(): Date
  /** From now on the time runs on from this instant. */
  jumpTo(instant: Date): void
}

/** A clock that starts at the real time. */
export function movableClock(): MovableClock {
  let offsetMs = 0
  return {
    now: () => new Date(Date.now() + offsetMs),
    jumpTo(instant) {
      offsetMs = instant.getTime() - Date.now()
    },
  }
}

/** A running server of one new business: where it listens, its services (clock included) and the customer's inbox. */
export interface LifecycleHost {
  url: string
  services: Services
  tenant: CreatedTenant
  clock: MovableClock
  mailbox: Mailbox
}

/** What one lifecycle did: what the agent read, and its counted MCP traffic. */
export interface LifecycleRun {
  outcome: LifecycleOutcome
  agent: CountedClient
}

/**
 * Jane Smith's lifecycle on a running server: the owner sets the business up through the API, then the scripted agent
 * works through MCP over HTTP while Jane confirms by her emailed link and the technician closes the job out on Tuesday afternoon.
 */
export async function runLifecycle(host: LifecycleHost): Promise<LifecycleRun> {
  const { services, tenant, clock } = host
  const owner = await signedInPerson(host.url, services.db, tenant.tenant_id, tenant.owner_user_id)
  const settings = await owner.query({ type: 'settings' })
  const tz = String((settings.items?.[0] ?? settings).timezone)
  const { technicianId } = await setUpBusiness(owner)
  const jobDay = nextTuesday(localDate(clock.now(), tz))
  const client = new Client({ name: 'lifecycle-agent', version: '1.0.0' })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${host.url}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${tenant.agent_token}` } },
    }),
  )
  const agent = new CountedClient(client)
  try {
    const outcome = await runScriptedAgent(agent, {
      today: () => localDate(clock.now(), tz),
      customerConfirms: async () => {
        await customerConfirms(host.mailbox, JANE.email)
      },
      technicianClosesOut: async () => {
        clock.jumpTo(zonedInstant(jobDay, '14:00', tz))
        const technician = await signedInPerson(host.url, services.db, tenant.tenant_id, technicianId)
        await technicianClosesOut(
          technician,
          JANE.name,
          110,
          'Gutters cleared front and back; downspout by the garage was blocked. Dog named Biscuit, keep gate closed.',
        )
      },
    })
    return { outcome, agent }
  } finally {
    await client.close()
  }
}
