import { type Forecaster, nwsForecaster } from './nws.js'

const NWS_URL = 'https://api.weather.gov'

/**
 * The forecast source this configuration names (CRM_WEATHER: nws, the National Weather Service, or off, the default),
 * reached at CRM_WEATHER_URL; null when off. A wrong value stops start-up, naming it.
 */
export function forecasterFromEnv(env: Readonly<NodeJS.ProcessEnv>): Forecaster | null {
  const choice = (env.CRM_WEATHER ?? 'off').trim().toLowerCase()
  if (choice === 'off') return null
  if (choice !== 'nws') throw new Error(`CRM_WEATHER must be nws or off, got '${env.CRM_WEATHER}'`)
  const baseUrl = (env.CRM_WEATHER_URL?.trim() || NWS_URL).replace(/\/+$/, '')
  if (!/^https?:\/\/[^\s]+$/.test(baseUrl)) throw new Error(`CRM_WEATHER_URL must be an http(s) URL, got '${baseUrl}'`)
  const contact = env.PUBLIC_BASE_URL?.trim() || 'https://github.com/service-crm'
  return nwsForecaster({ baseUrl, userAgent: `service-crm (${contact})` })
}
