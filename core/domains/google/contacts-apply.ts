import type { OperationContext } from '../../kernel/context.js'
import { importMappedIn, type MappedImportReport } from '../imports/import-mapped.js'
import { erasedHere } from './contacts-erased.js'
import { GOOGLE_SOURCE, planGooglePeople } from './contacts-plan.js'
import { knownEtags, linkPeople, markDeletedInGoogle } from './contacts-state.js'
import type { GooglePerson } from './people.js'

/** What applying a read did: the import path's report of the people applied, and the counts the refresh reports. */
export interface AppliedPeople {
  report: MappedImportReport
  /** People read with the etag already applied: nothing to do. */
  unchanged: number
  /** Linked customers whose Google contact was deleted (the customers stay). */
  deleted: number
  /** People read whose customer was erased here: never brought back. */
  erasedHere: number
}

/**
 * Applies people read from Google through the import path in the caller's transaction: new people become customers,
 * people found again (by resource name, email or phone) fill in what their customer lacks. A deleted person only marks
 * its link. With missingAreDeleted (a read of every contact of the account the links came from), a linked person not read
 * counts as deleted too. With skipUnchanged, a person whose etag was applied before is left alone. A person whose customer
 * was erased here is skipped and counted, whatever changed in Google. A dry run writes nothing.
 */
export async function applyPeople(
  ctx: OperationContext,
  people: GooglePerson[],
  options: { dryRun: boolean; missingAreDeleted: boolean; skipUnchanged: boolean },
): Promise<AppliedPeople> {
  const etags = await knownEtags(ctx.db)
  const erased = await erasedHere(
    ctx.db,
    people.map((p) => p.resourceName),
  )
  const read = people.filter((p) => !p.metadata?.deleted)
  const live = read.filter((p) => !erased.has(p.resourceName))
  const erasedLive = read.length - live.length
  const changed = options.skipUnchanged ? live.filter((p) => !p.etag || etags.get(p.resourceName) !== p.etag) : live
  const report = await importMappedIn(ctx, planGooglePeople(changed), GOOGLE_SOURCE, options.dryRun)
  if (options.dryRun) return { report, unchanged: live.length - changed.length, deleted: 0, erasedHere: erasedLive }
  await linkPeople(ctx, changed)
  const gone = people.filter((p) => p.metadata?.deleted).map((p) => p.resourceName)
  if (options.missingAreDeleted) {
    const seen = new Set(read.map((p) => p.resourceName))
    gone.push(...[...etags.keys()].filter((name) => !seen.has(name)))
  }
  const deleted = await markDeletedInGoogle(ctx, gone)
  return { report, unchanged: live.length - changed.length, deleted, erasedHere: erasedLive }
}
