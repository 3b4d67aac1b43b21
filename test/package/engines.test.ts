import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import semver from 'semver'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/build.js'

/** What package.json and package-lock.json declare about Node, read as npm reads them. */
interface Declared {
  engines?: { node?: string }
  version?: string
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Declared
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, Declared> }

/** The oldest Node the product says it runs on. */
const floor = semver.minVersion(pkg.engines?.node ?? '')

describe('the Node versions the product supports', () => {
  it('package.json names a Node 20 floor, and the lock file says the same', () => {
    expect(floor?.major).toBe(20)
    expect(lock.packages[''].engines).toEqual(pkg.engines)
  })

  it('every installed package accepts that floor (npm ci warns EBADENGINE otherwise)', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, p]) => path && p.engines?.node && !semver.satisfies(floor!, p.engines.node))
      .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')}@${p.version} needs Node ${p.engines!.node}`)
    expect(refusing, `Node ${floor} is the floor`).toEqual([])
  })
})
