import type { Caller } from '../../core/kernel/call-action.js'
import type { SafeHtml } from '../html.js'
import { PART_FILES } from './part-files.js'

/** A capability's card on the owner's Home: what needs the owner, or nothing when all is well. */
export type HomeCard = (caller: Caller) => Promise<SafeHtml | ''>

/** A record whose page shows each capability's line about it. */
export interface RecordOnPage {
  kind: 'customer' | 'invoice'
  id: string
}

/** How a line is drawn once read: with the page's CSRF token and the page its forms return to. */
export type LineView = (page: { csrf: string; back: string }) => SafeHtml | ''

/** A capability's line on a customer's or an invoice's page (where the record stands with it): read, then drawn. */
export type RecordLine = (caller: Caller, record: RecordOnPage) => Promise<LineView>

/** The named export of one file in each owner folder that has it (the generated index part-files.ts), in the order of the folders' names. */
function partsNamed<T>(file: string, exported: string): T[] {
  return Object.entries(PART_FILES)
    .filter(([path]) => path.endsWith(`/${file}.ts`))
    .map(([path, exports]) => {
      const part = (exports as Record<string, unknown>)[exported]
      if (typeof part !== 'function')
        throw new Error(`Owner folder ${path.split('/')[0]}: ${file} must export a function named ${exported}`)
      return part as T
    })
}

/**
 * What the capabilities show in the owner's pages, found by convention like the page files (console/owner/index.ts):
 * an owner folder's `home-card` file exports `homeCard`, its `record-line` file exports `recordLine`. Home and the
 * record pages loop over these and name no capability.
 */
export const HOME_CARDS: readonly HomeCard[] = partsNamed<HomeCard>('home-card', 'homeCard')

/** Each capability's line about a record (see HOME_CARDS). */
export const RECORD_LINES: readonly RecordLine[] = partsNamed<RecordLine>('record-line', 'recordLine')

/** A capability's section on the owner's Numbers page for a month (YYYY-MM): what it did and cost; '' when nothing. */
export type NumbersSection = (caller: Caller, month: string) => Promise<SafeHtml | ''>

/** Each capability's section on the Numbers page (a `numbers-section` file exporting `numbersSection`; see HOME_CARDS). */
export const NUMBERS_SECTIONS: readonly NumbersSection[] = partsNamed<NumbersSection>('numbers-section', 'numbersSection')

/** Every capability's line about one record, read now and drawn together. */
export async function recordLines(caller: Caller, record: RecordOnPage): Promise<(page: { csrf: string; back: string }) => SafeHtml[]> {
  const views = await Promise.all(RECORD_LINES.map((line) => line(caller, record)))
  return (page) => views.map((view) => view(page)).filter((l): l is SafeHtml => l !== '')
}
