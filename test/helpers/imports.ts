import { parseSync } from 'oxc-parser'

/** One module a source file names, where, and how: a type-only import loads nothing, a dynamic one loads when it runs. */
export interface NamedModule {
  specifier: string
  line: number
  kind: 'static' | 'type' | 'dynamic'
}

/** The nodes that name a module in their `source`: imports, export-from, dynamic import() and import types. */
const NAMES_A_MODULE = new Set(['ImportDeclaration', 'ExportNamedDeclaration', 'ExportAllDeclaration', 'ImportExpression', 'TSImportType'])

/** Every module a TypeScript source names (imports, export-from, dynamic import() and import types), with its line and kind. */
export function modulesNamedIn(source: string): NamedModule[] {
  const lineOf = (pos: number) => source.slice(0, pos).split('\n').length
  const found: NamedModule[] = []
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (!node || typeof node !== 'object') return
    const n = node as {
      type?: string
      start?: number
      source?: { type?: string; value?: unknown }
      importKind?: string
      exportKind?: string
      specifiers?: Array<{ importKind?: string }>
    }
    if (n.type && NAMES_A_MODULE.has(n.type) && n.source?.type === 'Literal' && typeof n.source.value === 'string') {
      const typeOnly =
        n.type === 'TSImportType' ||
        n.importKind === 'type' ||
        n.exportKind === 'type' ||
        (n.type === 'ImportDeclaration' && !!n.specifiers?.length && n.specifiers.every((s) => s.importKind === 'type'))
      const kind = n.type === 'ImportExpression' ? 'dynamic' : typeOnly ? 'type' : 'static'
      found.push({ specifier: n.source.value, line: lineOf(n.start ?? 0), kind })
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'parent') visit(value)
  }
  visit(parseSync('file.ts', source, { lang: 'ts', sourceType: 'module' }).program)
  return found
}
