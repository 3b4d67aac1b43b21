import { randomBytes } from 'node:crypto'
import { compareWithBaseline, essentialStatements, expectOk, recordThroughApp, type RecordedRequest } from '../app-vs-baseline.js'
import type { Scenario } from '../scenario.js'

/** Stands in the names of the recorded request; each replay puts its own unique text in its place. */
const MARKER = `marker${randomBytes(4).toString('hex')}`

/** The statements that make up creating a contact, whatever else the app sends around them. */
const ESSENTIAL = ['select set_config', 'insert into contacts', 'insert into audit_log']

/** The body of one call; every call creates a contact with its own name and email. */
function createBody(unique: string) {
  return { domain: 'contact', action: 'create', data: { display_name: `Contact ${unique}`, email: `${unique}@bench.example` } }
}

/**
 * contact.create through POST /api/actions, against the same statements sent straight through pg. Of two recorded
 * requests the second is kept (the first also stamps the token's first use). The baseline replays the role and tenant
 * settings, the contact insert and the audit insert exactly as the app sent them; anything more the app sends is its
 * overhead.
 */
export const contactCreate: Scenario = {
  name: 'contact.create',
  needs: 'postgres',
  run: (settings) =>
    compareWithBaseline<RecordedRequest>(settings, {
      name: 'contacts',
      async record(config, db, token) {
        const { units } = await recordThroughApp(config, db, token, async (client, keepFromHere) => {
          await expectOk(await client.post('/api/actions', createBody(`first${MARKER}`)))
          keepFromHere()
          await expectOk(await client.post('/api/actions', createBody(MARKER)))
        })
        return { units, essential: essentialStatements(units, 'contact.create', 'insert into contacts', ESSENTIAL) }
      },
      body: (_recorded, unique) => createBody(unique),
      async replay(client, recorded, unique) {
        // Only the names change: the audit row keeps the recorded contact's id, which costs the database the same.
        for (const s of recorded.essential) {
          await client.query(
            s.text,
            s.params.map((p) => (typeof p === 'string' ? p.replaceAll(MARKER, unique) : p)),
          )
        }
      },
    }),
}
