import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/build.js'
import { modulesNamedIn } from '../helpers/imports.js'

/**
 * What a command that needs none of them must not load as it starts, each most of a second of a command's CPU or a good
 * part of it: the registry of every domain (behind the product's services), the MCP server and SDK, the periodic jobs.
 * The commands that use them import them when they run (productServices in cli/command.ts, cli/mcp.ts, cli/worker.ts).
 */
const LOADED_WHEN_USED = ['core/domains/index.ts', 'api/product.ts', 'mcp/server.ts', 'core/jobs/worker.ts', '@modelcontextprotocol/sdk']

/** The chain of static imports from one of the product's files to a file or package, or null when none leads there. */
function staticChain(from: string, to: string): string[] | null {
  const cameFrom = new Map<string, string | null>([[from, null]])
  const queue = [from]
  for (let file = queue.shift(); file; file = queue.shift()) {
    for (const { specifier, kind } of modulesNamedIn(readFileSync(join(root, file), 'utf8'))) {
      if (kind !== 'static') continue
      const next = specifier.startsWith('.') ? relative(root, resolve(root, dirname(file), specifier.replace(/\.js$/, '.ts'))) : specifier
      const reached = next === to || next.startsWith(`${to}/`)
      if (!reached && (!specifier.startsWith('.') || !existsSync(join(root, next)))) continue
      if (cameFrom.has(next)) continue
      cameFrom.set(next, file)
      if (reached) {
        const chain = [next]
        for (let at = cameFrom.get(next); at; at = cameFrom.get(at)) chain.unshift(at)
        return chain
      }
      queue.push(next)
    }
  }
  return null
}

describe('what a command loads as it starts', () => {
  it('the CLI loads the registry, the MCP server and the jobs only in the commands that use them', () => {
    for (const heavy of LOADED_WHEN_USED) expect(staticChain('cli/main.ts', heavy), heavy).toBeNull()
  })

  it("crm help loads no command's code and no package: each command's file is imported when it is called (cli/commands.ts)", () => {
    const commandFiles = [...readFileSync(join(root, 'cli/commands.ts'), 'utf8').matchAll(/import\('\.\/([a-z-]+)\.js'\)/g)].map(
      (m) => `cli/${m[1]}.ts`,
    )
    expect(new Set(commandFiles).size, 'the command files cli/commands.ts names').toBeGreaterThanOrEqual(10)
    for (const file of new Set(commandFiles)) expect(staticChain('cli/main.ts', file), file).toBeNull()
    expect(staticChain('cli/main.ts', 'zod')).toBeNull()
  })

  it('the check follows static imports through files and into packages, and names the chain', () => {
    expect(staticChain('api/product.ts', 'core/domains/index.ts')).toEqual([
      'api/product.ts',
      'core/kernel/services.ts',
      'core/domains/index.ts',
    ])
    expect(staticChain('mcp/server.ts', '@modelcontextprotocol/sdk')?.slice(0, 1)).toEqual(['mcp/server.ts'])
  })
})
