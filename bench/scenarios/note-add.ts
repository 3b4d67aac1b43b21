import { randomBytes } from 'node:crypto'
import {
  compareWithBaseline,
  CUSTOMERS_A_BUSINESS,
  essentialStatements,
  expectOk,
  moreCustomers,
  recordThroughApp,
  type RecordedRequest,
} from '../app-vs-baseline.js'
import { sendRecorded } from '../mix-baseline.js'
import type { Scenario } from '../scenario.js'
import { nameTag } from '../name-tag.js'

/** Stands in the text of the recorded note; each replay puts its own unique text in its place. */
const MARKER = `marker${randomBytes(4).toString('hex')}`

/** The statements that make up adding a note (the insert and its audit row; its customer's check travels with BEGIN), whatever else the app sends. */
const ESSENTIAL = ['insert into notes', 'insert into audit_log']

/** A note recorded on one customer of the business. */
interface RecordedNote extends RecordedRequest {
  contactId: string
}

/** The body of one call: a note on the business's one customer. */
function addBody(contactId: string, unique: string) {
  return { domain: 'note', action: 'add', data: { contact_id: contactId, content: `Called about the gutters ${unique}` } }
}

/**
 * note.add, the office's most everyday write, through POST /api/actions against the same statements sent straight
 * through pg: the token check, the transaction's setup, the customer's check, the insert and its audit row.
 */
export const noteAdd: Scenario = {
  name: 'note.add',
  needs: 'postgres',
  run: (settings) =>
    compareWithBaseline<RecordedNote>(settings, {
      name: 'notes',
      async record(config, db, token) {
        const { units, result } = await recordThroughApp(config, db, token, async (client, keepFromHere) => {
          const made = await client.post('/api/actions', {
            domain: 'contact',
            action: 'create',
            data: { display_name: `Note Customer ${nameTag(MARKER)}` },
          })
          await expectOk(made)
          const contactId = (made.json as { data: { id: string } }).data.id
          const all = [contactId, ...(await moreCustomers(client, CUSTOMERS_A_BUSINESS - 1, 'Note Customer'))]
          await expectOk(await client.post('/api/actions', addBody(contactId, `first${MARKER}`)))
          keepFromHere()
          await expectOk(await client.post('/api/actions', addBody(contactId, MARKER)))
          return { recorded: contactId, all }
        })
        return {
          units,
          contactId: result.recorded,
          customers: result,
          ...essentialStatements(units, 'note.add', 'insert into notes', ESSENTIAL),
        }
      },
      body: (recorded, unique) => addBody(recorded.contactId, unique),
      async replay(client, recorded, unique) {
        for (const s of recorded.essential)
          await sendRecorded(
            client,
            s,
            s.params.map((p) => (typeof p === 'string' ? p.replaceAll(MARKER, unique) : p)),
          )
      },
    }),
}
