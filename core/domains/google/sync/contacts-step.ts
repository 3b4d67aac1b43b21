import { GoogleError } from '../../../clients/google.js'
import { withTenant } from '../../../db/tenant.js'
import { contextOf } from '../../../kernel/operations-context.js'
import { applyPeople } from '../contacts-apply.js'
import { loadContactsSync, saveFullRead, saveIncrementalRead } from '../contacts-state.js'
import { type PeopleRead, readPeople } from '../people.js'
import type { GoogleStep, GoogleStepReport } from './steps.js'

/**
 * The owner's Google contacts after the first import (google.import_contacts): the people changed since the last read,
 * by the People API sync token, applied as the import applies them. Nothing happens before the import, for another
 * account than the one imported from, or for a person who is not an owner. An expired token reads every contact again,
 * matched by resource name, so nothing doubles. A person whose customer the owner erased is never brought back.
 */
export const contactsStep: GoogleStep = {
  feature: 'contacts',
  name: 'contacts',
  async sync(run): Promise<GoogleStepReport> {
    if (run.role !== 'owner') return {}
    const scope = { tenantId: run.tenantId, actorType: 'system' as const, requestId: `google-contacts-${run.userId}` }
    const state = await withTenant(run.services.db, scope, (tx) => loadContactsSync(tx))
    if (!state) return { waiting_for_import: 1 }
    if (state.user_id !== run.userId) return {}
    // Another Google account connected since the import: its token means nothing there, so every contact is read.
    const sameAccount = state.google_email === run.connection.google_email
    const token = sameAccount ? state.sync_token : null
    let read: PeopleRead | null = null
    let full = !token
    if (token) {
      try {
        read = await readPeople(run.caller, { syncToken: token, requestSyncToken: true })
      } catch (err) {
        if (!(err instanceof GoogleError && err.needsFullSync)) throw err
        full = true
      }
    }
    read ??= await readPeople(run.caller, { requestSyncToken: true })
    const people = read.people
    const syncToken = read.syncToken
    const principal = { tenantId: run.tenantId, actor: { type: 'system' as const, id: null } }
    const applied = await withTenant(run.services.db, scope, async (tx) => {
      const ctx = contextOf(run.services, principal, tx, scope.requestId, null, () => {})
      const done = await applyPeople(ctx, people, { dryRun: false, missingAreDeleted: full && sameAccount, skipUnchanged: true })
      if (full) await saveFullRead(ctx, run.connection, syncToken)
      else await saveIncrementalRead(ctx, syncToken)
      return done
    })
    return {
      read: people.length,
      created: applied.report.created,
      matched: applied.report.matched,
      refused: applied.report.refused,
      unchanged: applied.unchanged,
      deleted_in_google: applied.deleted,
      // Erased here, not brought back: the owner adds such a person by hand to have them again.
      erased_here: applied.erasedHere,
      full_read: full ? 1 : 0,
    }
  },
}
