import type { Point } from './planner.js'

/** Waypoints a Google Maps directions link carries at most (fewer open on some phones' browsers; the app takes them all). */
export const MAPS_WAYPOINTS = 9

/** Where a link points: a pin, else the address in words. */
export type MapsPlace = Point | string

function placeText(place: MapsPlace): string {
  return typeof place === 'string' ? place : `${place.latitude.toFixed(6)},${place.longitude.toFixed(6)}`
}

/** A Google Maps link that opens the phone's maps with driving directions to one place, from where the phone is. */
export function directionsTo(place: MapsPlace): string {
  return `https://www.google.com/maps/dir/?api=1&destination=${encodeURIComponent(placeText(place))}&travelmode=driving`
}

/**
 * A Google Maps link with the whole day in order: from the start through the stops and back to it (without a start, from
 * the first stop to the last). Only the first MAPS_WAYPOINTS stops between the ends fit in one link; null for no stop.
 */
export function routeLink(start: MapsPlace | null, stops: readonly MapsPlace[]): string | null {
  if (!stops.length) return null
  const path = start ? [start, ...stops, start] : [...stops]
  if (path.length === 1) return directionsTo(path[0])
  const between = path.slice(1, -1).slice(0, MAPS_WAYPOINTS)
  const query = [
    `origin=${encodeURIComponent(placeText(path[0]))}`,
    `destination=${encodeURIComponent(placeText(path[path.length - 1]))}`,
    ...(between.length ? [`waypoints=${encodeURIComponent(between.map(placeText).join('|'))}`] : []),
    'travelmode=driving',
  ]
  return `https://www.google.com/maps/dir/?api=1&${query.join('&')}`
}
