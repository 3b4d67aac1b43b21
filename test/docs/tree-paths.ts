import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { root } from '../helpers/build.js'

/** The folders whose files docs/architecture.md names. */
const TOP = ['core', 'api', 'console', 'mcp', 'cli', 'test', 'migrations', 'bench', 'docs']

/** Every path into the tree that the text names (`core/domains/<name>/index.ts` with its placeholder). */
export function pathsNamedIn(text: string): string[] {
  const pattern = new RegExp(`(?<![\\w./-])((?:${TOP.join('|')})/[\\w./<>*-]*[\\w>*/])`, 'g')
  return [...new Set([...text.matchAll(pattern)].map((m) => m[1]))].sort()
}

/** Whether a path (a placeholder `<name>` standing for any one folder or name part) names something in the tree. */
export function existsInTree(path: string): boolean {
  const parts = path.replace(/\/$/, '').split('/')
  const walk = (at: string, rest: string[]): boolean => {
    if (!rest.length) return true
    const [part, ...more] = rest
    if (!/[<*]/.test(part)) return existsSync(join(at, part)) && walk(join(at, part), more)
    if (!existsSync(at)) return false
    const like = new RegExp(`^${part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/<[^>]+>|\*/g, '.+')}$`)
    return readdirSync(at).some((name) => like.test(name) && walk(join(at, name), more))
  }
  return walk(root, parts)
}
