import type { Plug } from '../../kernel/domain-manifest.js'
import type { OperationContext } from '../../kernel/context.js'

/** The two contacts of a merge: the survivor and the one merged into it. */
export interface MergePair {
  survivor: { id: string; display_name: string }
  merged: { id: string; display_name: string }
}

/** Removes, before a merge moves records, those of the merged contact the survivor already has the same of; answers how many. */
export type MergeTidy = (ctx: OperationContext, pair: MergePair) => Promise<number>

let waitlistTidy: MergeTidy | null = null

/**
 * Gives the merge its tidying of open waitlist entries (the waitlist domain's manifest plugs it in), so a survivor
 * never waits twice for one service and contacts never writes the waitlist's table.
 */
export function registerWaitlistMergeTidy(tidy: MergeTidy): void {
  waitlistTidy = tidy
}

/** Tidies the merged contact's open waitlist entries; fails loudly when no domain gave the tidying, rather than doubling entries. */
export function tidyWaitlistForMerge(ctx: OperationContext, pair: MergePair): Promise<number> {
  if (!waitlistTidy) throw new Error("No domain tidies waitlist entries in a merge: the waitlist domain's manifest plugs it in")
  return waitlistTidy(ctx, pair)
}

/** What merging two contacts tidies in the waiting list, for the waitlist domain's manifest's plugs. */
export function waitlistMergeTidyPlug(tidy: MergeTidy): Plug {
  return { into: 'contacts.merge-tidy', plugIn: () => registerWaitlistMergeTidy(tidy) }
}
