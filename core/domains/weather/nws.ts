import { unreachedWhy } from '../../http/unreached.js'

/** A day's daytime forecast: its words and the chance of rain. */
export interface DayForecast {
  name: string
  shortForecast: string
  precipitationPercent: number
  startTime: string
}

/** The National Weather Service could not answer: unreachable, outside its area, or an error status (its own words kept). */
export class WeatherError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WeatherError'
  }
}

/** A forecast source: the daytime forecast of each day ahead at a point, in its order. */
export interface Forecaster {
  name: string
  baseUrl: string
  daytimeForecasts(latitude: number, longitude: number): Promise<DayForecast[]>
}

const NAME = 'the National Weather Service'

/**
 * The National Weather Service's API (api.weather.gov, free, no key): /points/{lat},{lon} names the forecast office's
 * grid, whose /forecast lists 12-hour periods for about a week. It asks every caller for a User-Agent naming the app.
 */
export function nwsForecaster(settings: { baseUrl: string; userAgent: string; timeoutMs?: number }): Forecaster {
  const get = async (url: string): Promise<Record<string, any>> => {
    let res: Response
    let body: string
    try {
      res = await fetch(url, {
        headers: { 'user-agent': settings.userAgent, accept: 'application/geo+json' },
        signal: AbortSignal.timeout(settings.timeoutMs ?? 10_000),
      })
      body = await res.text()
    } catch (error) {
      throw new WeatherError(`${NAME} could not be reached (${unreachedWhy(error)})`)
    }
    let json: Record<string, any> | null = null
    try {
      json = JSON.parse(body)
    } catch {
      json = null
    }
    if (!res.ok)
      throw new WeatherError(`${NAME} answered HTTP ${res.status}${json?.detail ? `: ${String(json.detail).slice(0, 200)}` : ''}`)
    if (!json) throw new WeatherError(`${NAME} answered with something other than JSON`)
    return json
  }
  return {
    name: NAME,
    baseUrl: settings.baseUrl,
    async daytimeForecasts(latitude, longitude) {
      const point = await get(`${settings.baseUrl}/points/${latitude.toFixed(4)},${longitude.toFixed(4)}`)
      const forecastUrl = point?.properties?.forecast
      if (typeof forecastUrl !== 'string') throw new WeatherError(`${NAME} named no forecast for this point`)
      const forecast = await get(forecastUrl)
      const periods = forecast?.properties?.periods
      if (!Array.isArray(periods)) throw new WeatherError(`${NAME} answered a forecast without periods`)
      return periods
        .filter((p) => p?.isDaytime === true && typeof p.startTime === 'string')
        .map((p) => ({
          name: String(p.name ?? ''),
          shortForecast: String(p.shortForecast ?? ''),
          // A null chance is how the service writes none.
          precipitationPercent: Number(p.probabilityOfPrecipitation?.value ?? 0),
          startTime: p.startTime,
        }))
    },
  }
}
