import { describe, expect, it } from 'vitest'
import { reachOf } from '../../core/access.js'
import { buildRegistry } from '../../api/product.js'
import { ACTION_PLACES, ACTION_TITLES, BY_AGENT_OR_API, placeOf } from '../../console/owner/action-places.js'
import { PAGE_PLACES } from '../../console/owner/page-places.js'

describe('where the search sends a person for each action', () => {
  const registry = buildRegistry()
  const runnable = [...registry.actions.values()].filter((def) => reachOf(def.access, 'owner') !== 'none' || reachOf(def.access, 'technician') !== 'none')
    .map((def) => `${def.domain}.${def.name}`)

  it('places every action a person may run, or marks it as the office manager\'s', () => {
    expect(runnable.length).toBeGreaterThan(50)
    expect(runnable.filter((key) => !(key in ACTION_PLACES))).toEqual([])
  })

  it('names no action the registry does not have, and calls each placed one something a person says', () => {
    expect(Object.keys(ACTION_PLACES).filter((key) => !registry.actions.has(key))).toEqual([])
    expect(Object.keys(ACTION_TITLES).filter((key) => !registry.actions.has(key))).toEqual([])
    expect(runnable.filter((key) => !ACTION_TITLES[key] || /_/.test(ACTION_TITLES[key]))).toEqual([])
  })

  it('sends each role to a page of its own', () => {
    const technicianPaths = PAGE_PLACES.filter((p) => p.roles.includes('technician')).map((p) => p.path)
    for (const key of runnable) {
      const def = registry.actions.get(key)!
      const forOwner = placeOf(key, 'owner')
      if (ACTION_PLACES[key] !== BY_AGENT_OR_API) expect(forOwner?.path, key).toMatch(/^\//)
      const forTechnician = placeOf(key, 'technician')
      if (reachOf(def.access, 'technician') !== 'none' && forTechnician) {
        expect(technicianPaths.some((path) => forTechnician.path.startsWith(path.split('?')[0])), `${key}: ${forTechnician.path}`).toBe(true)
      }
    }
  })
})
