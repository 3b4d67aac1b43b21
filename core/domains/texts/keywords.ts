/** What a text's words ask for, when they are one of the words texting answers by themselves. */
export type TextKeyword = 'stop' | 'start' | 'help' | 'confirm' | 'reschedule'

/** The standard opt-out words: any of them stops every text to the number at once. */
export const STOP_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'] as const
/** The words that resume texts after a stop. */
export const START_WORDS = ['START', 'UNSTOP'] as const

const WORDS: Record<string, TextKeyword> = {
  ...Object.fromEntries(STOP_WORDS.map((w) => [w, 'stop'])),
  ...Object.fromEntries(START_WORDS.map((w) => [w, 'start'])),
  HELP: 'help',
  INFO: 'help',
  C: 'confirm',
  R: 'reschedule',
}

/**
 * The keyword a text is, read as carriers read one: the whole message, in any case, with the spaces and punctuation
 * around it ignored ("  stop. " stops); null for a text with other words, which a person reads.
 */
export function keywordOf(body: string): TextKeyword | null {
  const word = body
    .normalize('NFKC')
    .trim()
    .replace(/^[\s"'“”‘’.!?,;:()-]+|[\s"'“”‘’.!?,;:()-]+$/g, '')
    .toUpperCase()
  return WORDS[word] ?? null
}
