import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { root } from '../helpers/build.js'

/** The folder of the production setup: Caddyfile, systemd units and the example environment file. */
export const deployDir = join(root, 'deploy')

/** A file of deploy/ as text. */
export function deployFile(name: string): string {
  return readFileSync(join(deployDir, name), 'utf8')
}

/**
 * The variables an environment file sets, refusing any line outside the subset that systemd's EnvironmentFile= and a
 * shell's `.` read alike: comments, blank lines, and KEY=value with a bare value or one in double quotes, with no `$`,
 * backquote or backslash (which the two expand differently).
 */
export function envFileVariables(text: string): Record<string, string> {
  const vars: Record<string, string> = {}
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return
    const m = /^([A-Z][A-Z0-9_]*)=(?:"([^"$`\\]*)"|([^\s"'$`\\#]*))$/.exec(line)
    if (!m) throw new Error(`line ${i + 1} is not KEY=value as systemd and sh both read it: ${line}`)
    vars[m[1]] = m[2] ?? m[3]
  })
  return vars
}

/** The settings of a systemd unit file, as "Section.Key" to the values given (a key may be given more than once). */
export function unitSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>()
  let section = ''
  for (const line of text.split('\n')) {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue
    const header = /^\[(.+)\]$/.exec(trimmed)
    if (header) {
      section = header[1]
      continue
    }
    const i = trimmed.indexOf('=')
    if (i < 0) throw new Error(`not a setting: ${line}`)
    const key = `${section}.${trimmed.slice(0, i).trim()}`
    settings.set(key, [...(settings.get(key) ?? []), trimmed.slice(i + 1).trim()])
  }
  return settings
}

/** The one value a unit gives a setting; throws when it gives none or several. */
export function oneSetting(settings: Map<string, string[]>, key: string): string {
  const values = settings.get(key) ?? []
  if (values.length !== 1) throw new Error(`${key} is given ${values.length} times, expected once`)
  return values[0]
}
