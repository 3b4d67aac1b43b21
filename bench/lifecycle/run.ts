import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Services } from '../../core/kernel/context.js'
import type { CreatedTenant } from '../../core/kernel/tenants.js'
import { addDays, addMonths, localDate, zonedInstant } from '../../core/vocabulary/time.js'
import { JANE, setUpBusiness, WINDOWS } from './business.js'
import { CountedClient } from './counted-client.js'
import { type CloseOut, customerConfirms, technicianClosesOut, type Mailbox } from './people.js'
import { signedInPerson } from './person-api.js'
import { nextMonday, runScriptedAgent, type LifecycleOutcome } from './scripted-agent.js'

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

/** What one lifecycle did: what the agent read, its counted MCP traffic, and the bytes its HTTP requests and answers carried. */
export interface LifecycleRun {
  outcome: LifecycleOutcome
  agent: CountedClient
  /** Bytes of the MCP request and answer bodies, initialize and its notification included. */
  wireBytes: number
}

/** The close-out of Appendix D: 3h22m on site, $562 for the windows and 20 screens at $5, the notes, the facts, reach out in 6 months. */
export const APPENDIX_D_CLOSE_OUT: CloseOut = {
  minutesOnSite: 202,
  finalPrices: { [WINDOWS]: 56_200 },
  notes: 'Elderly woman, very nice. Dog named Biscuit, keep gate closed. Complex sill on 2nd story, brought extension ladder.',
  facts: [
    { key: 'customer_demographic', value: 'elderly' },
    { key: 'pet', value: 'dog (Biscuit)' },
    { key: 'property_note', value: 'keep gate closed' },
    { key: 'equipment_needed', value: 'extension ladder' },
    { key: 'property_detail', value: 'complex 2nd story sill' },
  ],
  reachOutInMonths: 6,
}

/**
 * Appendix D on a running server: the owner sets the business up through the API, then the scripted agent works through
 * MCP over HTTP while Jane confirms by her emailed link, the technician closes the job out that afternoon, and the clock
 * runs on to next year (the reach-out email going out in between). The agent is the scripted one unless another script is
 * given (the cold one, which finds each step by asking).
 */
export async function runLifecycle(host: LifecycleHost, script: typeof runScriptedAgent = runScriptedAgent): Promise<LifecycleRun> {
  const { services, tenant, clock } = host
  const owner = await signedInPerson(host.url, services.db, tenant.tenant_id, tenant.owner_user_id)
  const settings = await owner.query({ type: 'settings' })
  const tz = String((settings.items?.[0] ?? settings).timezone)
  const { technicianId } = await setUpBusiness(owner)
  const firstDay = nextMonday(localDate(clock.now(), tz))
  const wire = { bytes: 0 }
  const client = new Client({ name: 'lifecycle-agent', version: '1.0.0' })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${host.url}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${tenant.agent_token}` } },
      fetch: countingFetch(wire),
    }),
  )
  const agent = new CountedClient(client)
  try {
    const outcome = await script(agent, {
      customerConfirms: async () => {
        await customerConfirms(host.mailbox, JANE.email)
      },
      technicianClosesOut: async () => {
        clock.jumpTo(zonedInstant(firstDay, '14:00', tz))
        const technician = await signedInPerson(host.url, services.db, tenant.tenant_id, technicianId)
        await technicianClosesOut(technician, JANE.name, APPENDIX_D_CLOSE_OUT)
      },
      nextYear: async () => {
        // The reach-out goes out six months on; the office books again three weeks before the anniversary.
        clock.jumpTo(zonedInstant(addDays(addMonths(firstDay, 6), 1), '12:00', tz))
        await host.mailbox.deliverDue()
        clock.jumpTo(zonedInstant(addDays(firstDay, 364 - 21), '10:00', tz))
      },
    })
    return { outcome, agent, wireBytes: wire.bytes }
  } finally {
    await client.close()
  }
}

/** fetch that adds the bytes of each request body and answer body to the count. */
function countingFetch(count: { bytes: number }): typeof fetch {
  return async (input, init) => {
    if (typeof init?.body === 'string') count.bytes += Buffer.byteLength(init.body)
    const res = await fetch(input, init)
    count.bytes += (await res.clone().arrayBuffer()).byteLength
    return res
  }
}
