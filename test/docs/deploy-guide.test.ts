import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/build.js'

const guide = readFileSync(join(root, 'docs/deploy.md'), 'utf8')
/** The guide's shell blocks, line by line. */
const shellLines = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n')).filter((l) => l.trim())
/** What the guide's prose quotes as code. */
const quoted = [...guide.matchAll(/`([^`\n]+)`/g)].map((m) => m[1])

/** The units deploy/ holds, by name (crm, crm-worker). */
const units = readdirSync(join(root, 'deploy'))
  .filter((f) => f.endsWith('.service'))
  .map((f) => f.replace(/\.service$/, ''))

/** The commands the CLI declares: each Command's `name` in cli/ ("backup", "token list", ...). */
function cliCommands(): Set<string> {
  const names = new Set<string>()
  for (const file of readdirSync(join(root, 'cli')).filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(join(root, 'cli', file), 'utf8').matchAll(/^\s+name: '([a-z][a-z -]*)',$/gm)) names.add(m[1])
  }
  return names
}

/** The variables docs/configuration.md describes. */
function documentedVariables(): Set<string> {
  const text = readFileSync(join(root, 'docs/configuration.md'), 'utf8')
  return new Set([...text.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]*|[A-Z]+)`/g)].map((m) => m[1]))
}

describe('docs/deploy.md, against the code it installs', () => {
  it('says where the code comes from: this repository, cloned into the folder the units run from', () => {
    const unit = readFileSync(join(root, 'deploy/crm.service'), 'utf8')
    const folder = /^WorkingDirectory=(.+)$/m.exec(unit)?.[1]
    expect(folder).toBe('/opt/service-crm')
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { repository?: string | { url?: string } }
    const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url
    // Without an address of its own in package.json, the guide says whose copy to clone.
    const address = url ?? "<your copy's URL>"
    expect(shellLines).toContain(`sudo -u crm git clone ${address} ${folder}`)
    if (!url) expect(guide.replace(/\s+/g, ' ')).toContain("address in place of `<your copy's URL>`")
  })

  it('runs only commands the CLI has, each as crm with the service’s environment', () => {
    const commands = cliCommands()
    expect(commands).toContain('token list')
    const runs = [...guide.matchAll(/npx crm ([a-z-]+)(?: ([a-z-]+))?/g)]
    expect(runs.length).toBeGreaterThan(1)
    for (const [, first, second] of runs) {
      const name = second && commands.has(`${first} ${second}`) ? `${first} ${second}` : first
      expect(commands, name).toContain(name)
    }
    // On the server the CLI needs the service's environment file and its user, wherever the guide runs it.
    for (const line of guide.split('\n').filter((l) => l.includes('npx crm')))
      expect(line).toMatch(/^sudo -u crm sh -c 'set -a; \. \/etc\/service-crm\/env; cd \/opt\/service-crm && npx crm /)
    // In the prose a command is named without npx: `crm backup`, `crm doctor`.
    for (const q of quoted.filter((c) => /^crm [a-z]/.test(c))) expect(commands, q).toContain(q.slice(4))
  })

  it('installs, starts and reads the logs of the units deploy/ holds, or of the distribution’s caddy and postgresql', () => {
    expect(units.sort()).toEqual(['crm', 'crm-worker'])
    const named = [...guide.matchAll(/systemctl (?:enable --now|start|stop|restart|reload) ([a-z-]+)|journalctl -u ([a-z-]+)/g)].map(
      (m) => m[1] ?? m[2],
    )
    expect(named.length).toBeGreaterThan(5)
    for (const unit of named) expect([...units, 'caddy', 'postgresql'], unit).toContain(unit)
    for (const [, file] of guide.matchAll(/\/opt\/service-crm\/deploy\/([A-Za-z.-]+)/g))
      expect(readdirSync(join(root, 'deploy')), file).toContain(file)
  })

  it('sets and names only variables the product reads', () => {
    const documented = documentedVariables()
    const set = shellLines.flatMap((l) => [...l.matchAll(/(?:^|[\s;:'^|])([A-Z][A-Z0-9_]*)=/g)].map((m) => m[1]))
    const named = quoted.filter((q) => /^[A-Z][A-Z0-9]*_[A-Z0-9_]*$/.test(q))
    const inEnvFile = [...guide.matchAll(/^- `([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1])
    expect(set).toEqual(expect.arrayContaining(['DATABASE_URL', 'CRM_WORKER', 'CRM_ENCRYPTION_KEY', 'CRM_BACKUP_KEY']))
    // CRM_DOMAIN is the Caddyfile's placeholder, which the guide's sed replaces.
    const unknown = [...set, ...named, ...inEnvFile].filter((v) => !documented.has(v) && v !== 'CRM_DOMAIN')
    expect([...new Set(unknown)]).toEqual([])
  })
})
