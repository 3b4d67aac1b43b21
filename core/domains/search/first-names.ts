import { wordsOf } from '../../text/words.js'

/** The word a search is, in lower case, when it is one word with a letter in it ("Owen"); else null. */
export function oneWordOf(q: string): string | null {
  const words = wordsOf(q)
  return words.length === 1 && /[a-z]/.test(words[0]) ? words[0] : null
}

/**
 * How many customers have the word (an SQL expression: a literal or a parameter) as the first word of their name, whole
 * and in any case (merged ones aside), with a name's words read as ranking reads them: one means the word names that
 * customer. The indexed customer lookup narrows to the names holding the word, so the business's other customers are
 * never read. Part of the search's context, sent with its BEGIN.
 */
export function firstNameSql(word: string): string {
  return `select count(*)::int from contacts c
     where c.merged_into is null and c.id in (select contact_ids_matching(${word}))
       and substring(lower(c.display_name) from '[a-z0-9]+') = ${word}`
}
