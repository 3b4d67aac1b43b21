import { type Capability, integrationOf } from '../../kernel/plug-in.js'
import type { Services } from '../../kernel/context.js'
import { weatherBriefingLine } from './briefing.js'
import type { Forecaster } from './nws.js'
import { forecasterFromEnv } from './settings.js'

/** What the weather plugs in: its forecast source, the banner's line and the daily_briefing line when rain is likely. */
export const weatherCapability: Capability = {
  name: 'weather',
  client: (config) => forecasterFromEnv(config.environment),
  banner: (services) => `weather: ${describeWeather(services)}`,
  briefing: weatherBriefingLine,
}

/** The banner's words: where forecasts come from, or that none do and how to turn them on. */
export function describeWeather(services: Pick<Services, 'integrations'>): string {
  const forecaster = integrationOf<Forecaster>(services, 'weather')
  if (!forecaster) return "off (CRM_WEATHER=off): set CRM_WEATHER=nws for the National Weather Service's forecast (free, no key)"
  return `forecasts from ${forecaster.name} at ${forecaster.baseUrl}, read at the business's home base`
}
