// Generated from the folders beside it by cli/file-indexes.mjs (every build, and npm run generate): do not edit.
// test/architecture/file-indexes.test.ts fails when it no longer matches the folders.
import * as autopayHomeCard from './autopay/home-card.js'
import * as autopayRecordLine from './autopay/record-line.js'
import * as openingsHomeCard from './openings/home-card.js'
import * as plansRecordLine from './plans/record-line.js'
import * as quickbooksHomeCard from './quickbooks/home-card.js'
import * as quickbooksRecordLine from './quickbooks/record-line.js'
import * as reachOutsHomeCard from './reach-outs/home-card.js'
import * as stripeHomeCard from './stripe/home-card.js'
import * as textsHomeCard from './texts/home-card.js'
import * as textsNumbersSection from './texts/numbers-section.js'
import * as textsRecordLine from './texts/record-line.js'
import * as weatherHomeCard from './weather/home-card.js'

/** The capabilities' parts of the owner's pages (a folder's `home-card`, `record-line` and `numbers-section`), by path. */
export const PART_FILES = {
  'autopay/home-card.ts': autopayHomeCard,
  'autopay/record-line.ts': autopayRecordLine,
  'openings/home-card.ts': openingsHomeCard,
  'plans/record-line.ts': plansRecordLine,
  'quickbooks/home-card.ts': quickbooksHomeCard,
  'quickbooks/record-line.ts': quickbooksRecordLine,
  'reach-outs/home-card.ts': reachOutsHomeCard,
  'stripe/home-card.ts': stripeHomeCard,
  'texts/home-card.ts': textsHomeCard,
  'texts/numbers-section.ts': textsNumbersSection,
  'texts/record-line.ts': textsRecordLine,
  'weather/home-card.ts': weatherHomeCard,
} as const
