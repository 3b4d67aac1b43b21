import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseSync } from 'oxc-parser'
import { root } from '../helpers/build.js'

/**
 * Words that promise an effect on someone: an email or text goes out, a person is told, a card is charged or refunded, a
 * time or a record is kept, a visit or an email is cancelled. Read in string literals of the product's own sources.
 */
export const PROMISE_WORDS =
  /\b(e-?mailed|texted|notified|charged|refunded|(?:is|are|will be|gets?|get|was|were) (?:sent|told|kept|cancell?ed)|sends|will send|we(?:'ll| will)? (?:email|text|send|charge))\b/i

/** The folders whose words reach people: the domains and core, the API, the MCP tools and the pages. */
export const SCANNED_FOLDERS = ['core', 'api', 'mcp', 'console'] as const

/** One string literal (or template, its expressions shown as ${}) that holds a promise word. */
export interface PromiseString {
  file: string
  line: number
  text: string
}

/** The TypeScript sources under a folder, as paths from the repository root with / separators. */
function sourcesUnder(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/'))
}

/** The text of a string node, whitespace folded; undefined for any other node. SQL templates are code, not words. */
function textOf(node: any, source: string): string | undefined {
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value.replace(/\s+/g, ' ')
  if (node.type === 'TemplateLiteral')
    return node.quasis
      .map((q: any) => q.value.cooked ?? q.value.raw)
      .join('${}')
      .replace(/\s+/g, ' ')
  if (node.type === 'TaggedTemplateExpression' && /sql/i.test(source.slice(node.tag.start, node.tag.end))) return ''
  return undefined
}

/** Every string literal with a promise word in one source file. */
export function promiseStringsIn(file: string, source: string): PromiseString[] {
  const found: PromiseString[] = []
  const lineOf = (pos: number) => source.slice(0, pos).split('\n').length
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (!node || typeof node !== 'object') return
    const n = node as any
    if (n.type === 'ImportDeclaration' || n.type === 'ExportAllDeclaration') return
    const text = textOf(n, source)
    if (text !== undefined) {
      if (PROMISE_WORDS.test(text)) found.push({ file, line: lineOf(n.start), text })
      if (n.type !== 'TemplateLiteral') return
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'parent' && value && typeof value === 'object') visit(value)
  }
  visit(parseSync(file, source, { lang: 'ts', sourceType: 'module' }).program)
  return found
}

/** Every string with a promise word in the product's sources. */
export function productPromiseStrings(): PromiseString[] {
  return SCANNED_FOLDERS.flatMap(sourcesUnder).flatMap((file) => promiseStringsIn(file, readFileSync(join(root, file), 'utf8')))
}
