import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the fake received: its path and the User-Agent it carried. */
export interface FakeNwsRequest {
  path: string
  userAgent: string | undefined
}

/** A local stand-in for api.weather.gov: /points/{lat},{lon} and its grid's /forecast, with the service's problem answers. */
export interface FakeNws {
  url: string
  /** The variables that point the product at this fake. */
  env: Record<string, string>
  requests: FakeNwsRequest[]
  /** The chance of rain (percent, or null as the service writes none) and the words of a day's daytime period. */
  day(date: string, percent: number | null, shortForecast: string): void
  /** Points it has no forecast for, as outside the service's area (404 "Data Unavailable For Requested Point"). */
  outside: boolean
  close(): Promise<void>
}

/** Starts the fake on a free local port; every day not set is "Sunny" with no chance of rain, from `today` a week on. */
export async function startFakeNws(today: string): Promise<FakeNws> {
  const days = new Map<string, { percent: number | null; words: string }>()
  const fake: FakeNws = {
    url: '',
    env: {},
    requests: [],
    day: (date, percent, words) => days.set(date, { percent, words }),
    outside: false,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  const problem = (res: ServerResponse, status: number, title: string, detail: string) => {
    res.writeHead(status, { 'content-type': 'application/problem+json' })
    res.end(JSON.stringify({ correlationId: 'fake', title, type: 'https://api.weather.gov/problems/Fake', status, detail, instance: '' }))
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname
    fake.requests.push({ path, userAgent: req.headers['user-agent'] })
    if (!req.headers['user-agent']) return problem(res, 403, 'Forbidden', 'A User-Agent header is required')
    const point = /^\/points\/(-?\d+(?:\.\d{1,4})?),(-?\d+(?:\.\d{1,4})?)$/.exec(path)
    if (point) {
      if (fake.outside)
        return problem(
          res,
          404,
          'Data Unavailable For Requested Point',
          `Unable to provide data for requested point ${point[1]},${point[2]}`,
        )
      res.writeHead(200, { 'content-type': 'application/geo+json' })
      return res.end(
        JSON.stringify({
          type: 'Feature',
          properties: {
            gridId: 'HUN',
            gridX: 50,
            gridY: 60,
            forecast: `${fake.url}/gridpoints/HUN/50,60/forecast`,
            timeZone: 'America/Chicago',
          },
        }),
      )
    }
    if (path === '/gridpoints/HUN/50,60/forecast') {
      const periods = []
      for (let i = 0; i < 7; i++) {
        const date = addDays(today, i)
        const set = days.get(date) ?? { percent: null, words: 'Sunny' }
        periods.push(
          {
            number: 2 * i + 1,
            name: i === 0 ? 'Today' : weekday(date),
            startTime: `${date}T06:00:00-06:00`,
            endTime: `${date}T18:00:00-06:00`,
            isDaytime: true,
            temperature: 58,
            temperatureUnit: 'F',
            probabilityOfPrecipitation: { unitCode: 'wmoUnit:percent', value: set.percent },
            shortForecast: set.words,
          },
          {
            number: 2 * i + 2,
            name: i === 0 ? 'Tonight' : `${weekday(date)} Night`,
            startTime: `${date}T18:00:00-06:00`,
            endTime: `${addDays(date, 1)}T06:00:00-06:00`,
            isDaytime: false,
            temperature: 40,
            temperatureUnit: 'F',
            probabilityOfPrecipitation: { unitCode: 'wmoUnit:percent', value: 90 },
            shortForecast: 'Rain',
          },
        )
      }
      res.writeHead(200, { 'content-type': 'application/geo+json' })
      return res.end(
        JSON.stringify({ type: 'Feature', properties: { units: 'us', forecastGenerator: 'BaselineForecastGenerator', periods } }),
      )
    }
    return problem(res, 404, 'Not Found', `The requested resource ${path} was not found`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  fake.env = { CRM_WEATHER: 'nws', CRM_WEATHER_URL: fake.url }
  return fake
}

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T12:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

function weekday(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' })
}
