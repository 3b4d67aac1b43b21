import { parse } from 'csv-parse/sync'
import { type AddressToLocate, type Geocoder, GeocoderError, type LocatedAddress } from './geocoder.js'
import { unreachedWhy } from '../../http/unreached.js'

/** How the US Census Geocoder is reached: its base URL, the benchmark (address ranges) it searches, and its pace. */
export interface CensusSettings {
  baseUrl: string
  benchmark: string
  gapMs: number
  timeoutMs?: number
}

const NAME = 'the US Census Geocoder'
/** Addresses in one batch file: the service takes up to 10,000, and a smaller file answers in seconds rather than minutes. */
const BATCH_SIZE = 1000
/** The countries and territories its address ranges cover. */
const COVERED = new Set(['US', 'PR', 'GU', 'VI', 'AS', 'MP'])

/**
 * The US Census Geocoder (free, no key): one address through /geocoder/locations/address (JSON), more through
 * /geocoder/locations/addressbatch (a CSV file in, CSV lines out in any order). Its points are interpolated along the
 * street's address ranges.
 */
export function censusGeocoder(settings: CensusSettings): Geocoder {
  const timeoutMs = settings.timeoutMs ?? 5 * 60_000
  const send = async (url: string, init: RequestInit): Promise<string> => {
    let res: Response
    let body: string
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
      body = await res.text()
    } catch (error) {
      throw new GeocoderError(`${NAME} could not be reached (${unreachedWhy(error)})`)
    }
    if (!res.ok) throw new GeocoderError(`${NAME} answered HTTP ${res.status}${errorWords(body)}`)
    return body
  }
  return {
    name: NAME,
    baseUrl: settings.baseUrl,
    batchSize: BATCH_SIZE,
    gapMs: settings.gapMs,
    covers: (country) => COVERED.has(country.toUpperCase()),
    async locate(addresses) {
      if (addresses.length === 1) {
        const [a] = addresses
        const query = new URLSearchParams({
          street: a.line1,
          city: a.city,
          state: a.state,
          zip: a.postal_code,
          benchmark: settings.benchmark,
          format: 'json',
        })
        return [oneAnswer(a.id, await send(`${settings.baseUrl}/geocoder/locations/address?${query}`, { method: 'GET' }))]
      }
      const form = new FormData()
      form.set('benchmark', settings.benchmark)
      form.set('addressFile', new Blob([batchFile(addresses)], { type: 'text/csv' }), 'addresses.csv')
      return batchAnswers(await send(`${settings.baseUrl}/geocoder/locations/addressbatch`, { method: 'POST', body: form }))
    },
  }
}

/** The batch file: a line per address (id, street, city, state, ZIP), no header. */
function batchFile(addresses: AddressToLocate[]): string {
  const field = (v: string) => `"${v.replace(/[\r\n]+/g, ' ').replace(/"/g, '""')}"`
  const lines = addresses.map((a) => [a.id, a.line1, a.city, a.state, a.postal_code].map(field).join(','))
  return `${lines.join('\n')}\n`
}

/** The single lookup's JSON: the first of its addressMatches, or none. */
function oneAnswer(id: string, body: string): LocatedAddress {
  let matches: unknown
  try {
    matches = JSON.parse(body)?.result?.addressMatches
  } catch {
    matches = undefined
  }
  if (!Array.isArray(matches)) throw new GeocoderError(`${NAME} answered with something other than its documented result`)
  if (!matches.length) return notFound(id, 'No_Match')
  if (matches.length > 1) return notFound(id, 'Tie')
  const m = matches[0] as { coordinates?: { x?: unknown; y?: unknown }; matchedAddress?: unknown }
  return found(id, m.coordinates?.y, m.coordinates?.x, String(m.matchedAddress ?? ''), true)
}

/** The batch's CSV lines: id, the address as sent, Match / No_Match / Tie, then for a match its kind, address, "lon,lat". */
function batchAnswers(body: string): LocatedAddress[] {
  let rows: string[][]
  try {
    rows = parse(body, { relax_column_count: true, skip_empty_lines: true, trim: true })
  } catch {
    throw new GeocoderError(`${NAME} answered with a batch file it does not document`)
  }
  return rows.flatMap((row): LocatedAddress[] => {
    const [id, , status, kind, matched, lonLat] = row
    if (!id) return []
    if (status !== 'Match') return [notFound(id, status)]
    const [lon, lat] = (lonLat ?? '').split(',').map(Number)
    return [found(id, lat, lon, matched ?? '', kind === 'Exact')]
  })
}

function found(id: string, latitude: unknown, longitude: unknown, matched: string, exact: boolean): LocatedAddress {
  const lat = Number(latitude)
  const lon = Number(longitude)
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180)
    throw new GeocoderError(`${NAME} answered a match without a usable point`)
  const how = exact ? '' : ', a close but not exact match: check the pin'
  return { id, found: true, latitude: lat, longitude: lon, note: `Found by ${NAME} as "${matched}"${how}` }
}

function notFound(id: string, status: string | undefined): LocatedAddress {
  const note =
    status === 'Tie'
      ? `${NAME} found more than one place for this address; place the pin by hand`
      : `${NAME} found no match for this street and ZIP code; check them, or place the pin by hand`
  return { id, found: false, note }
}

/** The error's own words from the geocoder's JSON error body ({"errors": [...]}), if it sent them. */
function errorWords(body: string): string {
  try {
    const errors = JSON.parse(body)?.errors
    if (Array.isArray(errors) && errors.length) return `: ${errors.map(String).join('; ').slice(0, 300)}`
  } catch {
    // Not JSON: an outage page; its status says enough.
  }
  return ''
}
