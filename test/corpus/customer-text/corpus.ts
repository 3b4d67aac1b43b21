import { readFileSync } from 'node:fs'
import type { OwnChannels } from '../../../core/text/customer-words/held-words.js'
import { DISGUISED, ORDINARY, OWNERS_TO_SEE, TUNING_BUSINESS } from './tuning.js'

/** One text of a corpus: its words, what trick or kind of text it is, and its language. */
export interface CorpusText {
  text: string
  kind: string
  lang?: string
}

/** A corpus: the business and customer its texts are written for, the texts that must wait for the owner and those that must not. */
export interface Corpus {
  name: string
  business: { name?: string; phone: string; email: string; website: string; review_link?: string }
  customer?: { name: string; email: string; phone: string }
  disguised: CorpusText[]
  ordinary: CorpusText[]
}

/**
 * Written by people who never saw the rules, each told only what the business is and what must and must not wait: set
 * a was tuned on; set b was held out until the rules first stood (docs/customer-words.md gives the first results).
 */
function written(name: 'set-a' | 'set-b'): Corpus {
  const url = new URL(`./${name}.json`, import.meta.url)
  return { name, ...JSON.parse(readFileSync(url, 'utf8')) }
}

/** The tuning corpus, with the sentences an office writes about paying counted with those that must wait. */
const TUNING: Corpus = {
  name: 'tuning',
  business: TUNING_BUSINESS,
  disguised: [...DISGUISED, ...OWNERS_TO_SEE].map((text) => ({ text, kind: 'tuning' })),
  ordinary: ORDINARY.map((text) => ({ text, kind: 'tuning' })),
}

/** Every corpus. */
export const CORPORA: Corpus[] = [TUNING, written('set-a'), written('set-b')]

/** The channels a corpus's words may name: its business's and its customer's. */
export function ownChannelsOf(corpus: Corpus): OwnChannels {
  return {
    phones: [corpus.business.phone, ...(corpus.customer ? [corpus.customer.phone] : [])],
    emails: [corpus.business.email, ...(corpus.customer ? [corpus.customer.email] : [])],
    sites: [corpus.business.website],
    links: corpus.business.review_link ? [corpus.business.review_link] : [],
    country: 'US',
  }
}

/** Whether a text of a corpus is a name (of a person, an organization, a service) by its kind. */
export function isName(t: CorpusText): boolean {
  return /(^|[\s-])name($|[\s-])|^name-/.test(t.kind) && !/ordinary|attachment/.test(t.kind)
}
