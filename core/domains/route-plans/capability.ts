import { type Capability, integrationOf } from '../../kernel/plug-in.js'
import type { Services } from '../../kernel/context.js'
import type { RoadRouter } from './road-router.js'
import { roadRouterFromEnv, routerOffWhy } from './router-settings.js'

/** What road routing plugs into the product (core/kernel/plug-in.ts): the road router route.plan measures a day with, and its banner line. */
export const routePlansCapability: Capability = {
  name: 'route-plans',
  client: (config) => roadRouterFromEnv(config.environment),
  banner: (services) => `road router: ${describeRouter(services)}`,
}

/** The banner's words: which router measures a day's driving and where, or that distances are straight lines and why. */
export function describeRouter(services: Pick<Services, 'integrations'> & { config?: Pick<Services['config'], 'environment'> }): string {
  const router = integrationOf<RoadRouter>(services, 'route-plans')
  if (!router) return routerOffWhy(services.config?.environment ?? {})
  return `${router.name === 'osrm' ? 'OSRM' : 'Mapbox'} at ${router.baseUrl}: route.plan measures and times the day by road`
}
