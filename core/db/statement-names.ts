/** Most statement texts one process names; past it, new texts are sent unnamed (planned on every run). */
const MAX_NAMED = 4000

/** The names statements are prepared under, one per text: what both engines' prepared statements are kept by. */
export function statementNames(prefix = 'crm') {
  const names = new Map<string, string>()
  return {
    /** The name text was kept under, if any. */
    nameOf: (text: string) => names.get(text),
    /** A name for a new text, or undefined once as many texts are named as may be; it counts only once kept. */
    next: () => (names.size < MAX_NAMED ? `${prefix}_${names.size + 1}` : undefined),
    keep: (text: string, name: string) => void names.set(text, name),
    /** The name of text, kept at once when new (for a client that tracks which names it has prepared itself, as pg does). */
    claim(text: string): string | undefined {
      let name = names.get(text)
      if (name === undefined && names.size < MAX_NAMED) names.set(text, (name = `${prefix}_${names.size + 1}`))
      return name
    },
  }
}

/** The names of statementNames. */
export type StatementNames = ReturnType<typeof statementNames>
