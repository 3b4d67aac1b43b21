import { z } from 'zod'
import { BULK_TARGET_LIMIT } from '../../kernel/access.js'
import { GoogleError, type GoogleTokenSource } from '../../clients/google.js'
import type { OperationContext } from '../../kernel/context.js'
import { AppError } from '../../kernel/errors.js'
import { page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { dryRunInput, MAPPED_IMPORT_REPORT } from '../imports/model.js'
import { requireGoogle } from './availability.js'
import { applyPeople } from './contacts-apply.js'
import { erasedHereNote } from './contacts-erased.js'
import { contactsAccount, loadContactsSync, saveFullRead } from './contacts-state.js'
import { readPeople } from './people.js'
import { freshToken } from './tokens.js'

/** Google's failure in words the owner and the agent act on. */
export function unavailableFrom(err: unknown): unknown {
  if (!(err instanceof GoogleError)) return err
  const when = err.retryable ? ': try again in a few minutes' : ''
  return new AppError('UNAVAILABLE', `Google could not list the contacts (${err.message})${when}`)
}

/** Brings the owner's Google contacts in through the import path: a dry run by default, then the real run. */
export const importGoogleContacts = defineAction({
  key: 'google.import_contacts',
  title: 'Import customers from Google Contacts',
  place: page('/settings/google', 'import the customers in Google Contacts'),
  words: { phrase: 'import the customers of Google Contacts' },
  description:
    "Import the contacts of the owner's Google account (connected with contacts on) as customers, once; afterwards the " +
    'Google sync brings changes in Google (new people, a phone or address added) every few minutes. dry_run (default true) reports ' +
    'row by row what would be created, matched (by Google resource name, email or phone) and refused, and writes nothing; ' +
    'dry_run false imports: matched customers only get what they lack, each keeps its Google resource name, and running it ' +
    'again creates nothing new. A contact deleted in Google never deletes its customer. A person whose customer was erased here ' +
    "is never brought back (counted in erased_here, with a note); to have them again the owner adds them by hand. A bulk action: an agent's real run waits " +
    "for the owner's approval; a dry run never does.",
  // A real run writes the whole address book, whose size is known only once Google is read: always more than a few.
  access: { agent: 'unrestricted', technician: 'none', bulk: (input) => (input.dry_run ? 1 : BULK_TARGET_LIMIT + 1) },
  phrases: ['google', 'contacts', 'import customers', 'address book', 'gmail contacts', 'move in'],
  input: z.strictObject({
    dry_run: dryRunInput,
  }),
  output: MAPPED_IMPORT_REPORT.extend({
    google_email: z.string().describe('The Google account the contacts came from'),
    erased_here: z.number().int().describe('People in Google whose customer was erased here: skipped, never brought back'),
    erased_here_note: z.string().optional().describe('When some were skipped: why, and how the owner has one of them again'),
  }),
  async run(ctx, input) {
    const { client } = requireGoogle(ctx.services)
    const account = await contactsAccount(ctx)
    // The same limiter key as the worker's calls of this account, so both stay within its limits together.
    const caller = client.caller(`${ctx.tenantId}:${account.user_id}`, tokensWithin(ctx, account.user_id))
    const read = await readPeople(caller, { requestSyncToken: !input.dry_run }).catch((err) => {
      throw unavailableFrom(err)
    })
    const before = await loadContactsSync(ctx.db)
    // Links made from another account are not that account's deletions.
    const missingAreDeleted = !before || before.google_email === account.google_email
    const applied = await applyPeople(ctx, read.people, { dryRun: input.dry_run, missingAreDeleted, skipUnchanged: false })
    if (!input.dry_run) {
      await saveFullRead(ctx, account, read.syncToken)
      await ctx.audit({
        entityType: 'google_connection',
        entityId: account.user_id,
        action: 'import_contacts',
        after: {
          google_email: account.google_email,
          created: applied.report.created,
          matched: applied.report.matched,
          refused: applied.report.refused,
          erased_here: applied.erasedHere,
        },
      })
    }
    const skipped = applied.erasedHere ? { erased_here_note: erasedHereNote(applied.erasedHere) } : {}
    return { ...applied.report, google_email: account.google_email, erased_here: applied.erasedHere, ...skipped }
  },
})

/**
 * The account's token read, and refreshed when due, in the action's own transaction: the embedded database runs one
 * transaction at a time, so a second one opened for the token would wait for this one forever.
 */
function tokensWithin(ctx: OperationContext, userId: string): GoogleTokenSource {
  let current: string | undefined
  const fetchToken = async (refused: boolean) => {
    const outcome = await freshToken(ctx.db, ctx.services, userId, refused ? current : undefined)
    if (outcome.refused) throw outcome.refused
    current = outcome.token
    return outcome.token
  }
  return { accessToken: () => (current ? Promise.resolve(current) : fetchToken(false)), afterUnauthorized: () => fetchToken(true) }
}
