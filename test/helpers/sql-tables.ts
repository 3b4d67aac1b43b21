import { parseSync } from 'oxc-parser'

/** One table a source's SQL names, with the line of the string that names it and whether that SQL writes to it. */
export interface NamedTable {
  table: string
  line: number
  writes: boolean
}

/** A string reads as SQL when it holds a statement's opening word and a word that names a table. */
const SQL_STATEMENT = /\b(select|insert|update|delete|with|merge|truncate)\b[\s\S]*\b(from|join|into|update|set|truncate)\b/i

/** Words that follow a table's name in a statement and so are never its alias. */
const NOT_ALIAS = String.raw`(?!(?:where|join|left|right|inner|outer|full|cross|natural|lateral|on|using|set|order|group|limit|offset|for|returning|values|select|union|except|intersect|having|window|as|and|or|when|then|else|end|default|do|in)\b)`

/** A table's name with an optional alias. */
const NAME = String.raw`(?:only\s+)?[a-z_][a-z0-9_."]*(?:\s+(?:as\s+)?${NOT_ALIAS}[a-z_][a-z0-9_]*)?`

/** The words a table's name follows in a statement (`references` for constraints, `using` for delete and merge), then a list of names. */
const BEFORE_TABLE = new RegExp(
  String.raw`\b(from|join|into|update|references|using|truncate(?:\s+table)?)\s+(${NAME}(?:\s*,\s*${NAME})*)`,
  'gi',
)

/** The words that write to the table after them. */
const WRITES = /^(into|update|truncate)/i

/** Every table created in SQL text (migrations, the migrator's own), minus those a later statement drops, in order of creation. */
export function tablesCreatedIn(sqlTexts: readonly string[]): string[] {
  const tables: string[] = []
  for (const text of sqlTexts) {
    const noComments = text.replace(/--[^\n]*/g, '')
    for (const m of noComments.matchAll(/\b(create|drop)\s+(?:unlogged\s+)?table\s+(?:if\s+(?:not\s+)?exists\s+)?([a-z_][a-z0-9_.]*)/gi)) {
      const name = m[2]!.toLowerCase().replace(/^public\./, '')
      if (m[1]!.toLowerCase() === 'create') tables.push(name)
      else tables.splice(tables.indexOf(name), tables.includes(name) ? 1 : 0)
    }
  }
  return tables
}

/** The SQL strings of a TypeScript source: each string literal or template (its expressions read as _) that reads as SQL. */
export function sqlStringsIn(file: string, source: string): Array<{ text: string; line: number }> {
  const lineOf = (pos: number) => source.slice(0, pos).split('\n').length
  const found: Array<{ text: string; line: number }> = []
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (!node || typeof node !== 'object') return
    const n = node as any
    if (n.type === 'ImportDeclaration' || n.type === 'ExportAllDeclaration' || (n.type === 'ExportNamedDeclaration' && n.source)) return
    let text: string | undefined
    if (n.type === 'Literal' && typeof n.value === 'string') text = n.value
    if (n.type === 'TemplateLiteral') text = n.quasis.map((q: any) => q.value.cooked ?? q.value.raw).join(' _ ')
    if (text !== undefined && SQL_STATEMENT.test(text)) found.push({ text, line: lineOf(n.start) })
    for (const [key, value] of Object.entries(n)) if (key !== 'parent' && value && typeof value === 'object') visit(value)
  }
  visit(parseSync(file, source, { lang: 'ts', sourceType: 'module' }).program)
  return found
}

/** Every known table a TypeScript source's SQL names; names that are not tables (functions, aliases, columns) are left out. */
export function tablesNamedIn(file: string, source: string, known: ReadonlySet<string>): NamedTable[] {
  const found: NamedTable[] = []
  for (const { text, line } of sqlStringsIn(file, source)) {
    for (const m of text.matchAll(BEFORE_TABLE)) {
      const writes = WRITES.test(m[1]!) || /\bdelete\s+$/i.test(text.slice(0, m.index))
      for (const part of m[2]!.split(',')) {
        const table = part
          .trim()
          .replace(/^only\s+/i, '')
          .split(/\s+/)[0]!
          .replace(/"/g, '')
          .replace(/^public\./, '')
          .toLowerCase()
        if (known.has(table)) found.push({ table, line, writes })
      }
    }
  }
  return found
}
