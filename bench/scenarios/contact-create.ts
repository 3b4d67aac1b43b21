import { randomBytes } from 'node:crypto'
import { compareWithBaseline, essentialStatements, expectOk, recordThroughApp, type RecordedRequest } from '../app-vs-baseline.js'
import { sendRecorded } from '../mix-baseline.js'
import type { Scenario } from '../scenario.js'
import { nameTag } from '../name-tag.js'
import { unmarked } from '../send-unique.js'

/** Stands in the email and (in letters) the name of the recorded request; each replay puts its own unique text in their place. */
const MARKER = `marker${randomBytes(4).toString('hex')}0`

/**
 * The statements that make up creating a contact (the insert, its audit row), whatever else the app sends; its duplicate
 * check on the new email travels with BEGIN, in the setup.
 */
const ESSENTIAL = ['insert into contacts', 'insert into audit_log']

/** The body of one call; every call creates a contact with its own name and email. */
function createBody(unique: string) {
  return { domain: 'contact', action: 'create', data: { display_name: `Contact ${nameTag(unique)}`, email: `${unique}@bench.example` } }
}

/**
 * contact.create through POST /api/actions, against the same statements sent straight through pg. Of two recorded
 * requests the second is kept (the first also stamps the token's first use). The baseline replays the token check, the
 * transaction's setup (role, tenant and the reads sent with BEGIN, the duplicate check among them), the contact insert and
 * the audit insert exactly as the app sent them; the bench prints what else the app sends.
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
        return { units, ...essentialStatements(units, 'contact.create', 'insert into contacts', ESSENTIAL) }
      },
      body: (_recorded, unique) => createBody(unique),
      // The duplicate check sent with BEGIN looks for this call's email.
      setup: (recorded, unique) => recorded.setup?.replaceAll(MARKER, unique) ?? null,
      async replay(client, recorded, unique) {
        // Only the name and the email change: the audit row keeps the recorded contact's id, which costs the database the same.
        for (const s of recorded.essential)
          await sendRecorded(
            client,
            s,
            s.params.map((p) => unmarked(p, MARKER, unique)),
          )
      },
    }),
}
