import { type AddressToLocate, type Geocoder, GeocoderError, type LocatedAddress } from './geocoder.js'
import { unreachedWhy } from '../../http/unreached.js'

/** How Mapbox's Geocoding API (v6) is reached: its base URL, the account's access token, and our pace. */
export interface MapboxSettings {
  baseUrl: string
  token: string
  gapMs: number
  timeoutMs?: number
}

const NAME = 'Mapbox'
/** Queries in one batch request: the most the API takes. */
const BATCH_SIZE = 1000

/** One result as v6 writes it: a GeoJSON feature whose properties say what it matched and how well. */
interface MapboxFeature {
  geometry?: { coordinates?: unknown[] }
  properties?: { feature_type?: string; full_address?: string; match_code?: { confidence?: string } }
}

/**
 * Mapbox's Geocoding API v6, with a key: one address through /search/geocode/v6/forward, more through
 * /search/geocode/v6/batch (a JSON list of structured queries in, a list of results in the same order out). Every call
 * asks for permanent geocoding: Mapbox allows storing only those results, and the points are kept on the addresses.
 */
export function mapboxGeocoder(settings: MapboxSettings): Geocoder {
  const timeoutMs = settings.timeoutMs ?? 2 * 60_000
  const send = async (path: string, init: RequestInit, query: Record<string, string> = {}): Promise<unknown> => {
    const params = new URLSearchParams({ ...query, permanent: 'true', access_token: settings.token })
    let res: Response
    let body: string
    try {
      res = await fetch(`${settings.baseUrl}${path}?${params}`, { ...init, signal: AbortSignal.timeout(timeoutMs) })
      body = await res.text()
    } catch (error) {
      throw new GeocoderError(`${NAME} could not be reached (${unreachedWhy(error)})`)
    }
    if (!res.ok) throw new GeocoderError(`${NAME} answered HTTP ${res.status}${messageOf(body)}`)
    try {
      return JSON.parse(body)
    } catch {
      throw new GeocoderError(`${NAME} answered with something other than JSON`)
    }
  }
  return {
    name: NAME,
    baseUrl: settings.baseUrl,
    batchSize: BATCH_SIZE,
    gapMs: settings.gapMs,
    // Mapbox's address coverage is worldwide; a country it lacks answers no match, which the address then says.
    covers: () => true,
    async locate(addresses) {
      if (addresses.length === 1) {
        const [a] = addresses
        const answer = await send('/search/geocode/v6/forward', { method: 'GET' }, { ...structured(a), types: 'address', limit: '1' })
        return [answerOf(a.id, answer)]
      }
      const answer = (await send('/search/geocode/v6/batch', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(addresses.map((a) => ({ ...structured(a), types: ['address'], limit: 1 }))),
      })) as { batch?: unknown }
      const batch = answer?.batch
      if (!Array.isArray(batch) || batch.length !== addresses.length) {
        throw new GeocoderError(`${NAME} answered a batch that does not match the addresses sent`)
      }
      return addresses.map((a, i) => answerOf(a.id, batch[i]))
    },
  }
}

/** An address as v6's structured input: each part in its own field, so no comma in a street confuses it. */
function structured(a: AddressToLocate): Record<string, string> {
  const parts: Record<string, string> = {
    address_line1: a.line1,
    place: a.city,
    region: a.state,
    postcode: a.postal_code,
    country: a.country,
  }
  return Object.fromEntries(Object.entries(parts).filter(([, v]) => v.trim() !== ''))
}

/** One FeatureCollection: its address feature when Mapbox is sure enough of it, else why there is none. */
function answerOf(id: string, collection: unknown): LocatedAddress {
  const features = (collection as { features?: unknown } | null)?.features
  if (!Array.isArray(features)) throw new GeocoderError(`${NAME} answered with something other than its documented results`)
  const feature = features[0] as MapboxFeature | undefined
  const confidence = feature?.properties?.match_code?.confidence
  if (feature?.properties?.feature_type !== 'address' || confidence === 'low') {
    return {
      id,
      found: false,
      note: `${NAME} found no address it is sure of for this street and ZIP code; check them, or place the pin by hand`,
    }
  }
  const [lon, lat] = (feature.geometry?.coordinates ?? []).map(Number)
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    throw new GeocoderError(`${NAME} answered a match without a usable point`)
  }
  const how = confidence === 'exact' || confidence === 'high' ? '' : ', a close but not certain match: check the pin'
  return { id, found: true, latitude: lat, longitude: lon, note: `Found by ${NAME} as "${feature.properties?.full_address ?? ''}"${how}` }
}

/** The error's own words from Mapbox's JSON error body ({"message": "..."}), if it sent them. */
function messageOf(body: string): string {
  try {
    const message = JSON.parse(body)?.message
    if (typeof message === 'string' && message) return `: ${message.slice(0, 300)}`
  } catch {
    // Not JSON: its status says enough.
  }
  return ''
}
