import { encode } from 'gpt-tokenizer'

/** Tokens as models are billed for them, estimated the usual way: characters / 4. */
export const quarterTokens = (text: string) => Math.ceil(text.length / 4)

/** Tokens as a real tokenizer counts them (o200k, the encoding of current OpenAI models). */
export const o200kTokens = (text: string) => encode(text).length

/** Both counts of a text, for a figure's value and its note. */
export function tokenCounts(text: string): { quarter: number; o200k: number } {
  return { quarter: quarterTokens(text), o200k: o200kTokens(text) }
}
