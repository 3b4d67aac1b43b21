/** The parts of a day a caller may ask free times in. */
export const PARTS_OF_DAY = ['morning', 'afternoon', 'evening'] as const
/** A part of the day. */
export type PartOfDay = (typeof PARTS_OF_DAY)[number]

/** Where each part of the day begins and ends, by the wall-clock start of a visit (HH:MM, end excluded). */
const BOUNDS: Record<PartOfDay, [string, string]> = {
  // Morning as customers' preferences read it (start before 12:00), so both filters agree.
  morning: ['00:00', '12:00'],
  afternoon: ['12:00', '17:00'],
  evening: ['17:00', '24:00'],
}

/** The parts of the day in words, for a description. */
export const PARTS_OF_DAY_HELP = 'morning: starts before 12:00, afternoon: 12:00 to 17:00, evening: from 17:00'

/** Whether a visit starting at a wall-clock time (HH:MM) is in that part of the day. */
export function inPartOfDay(time: string, part: PartOfDay): boolean {
  const [from, to] = BOUNDS[part]
  return time >= from && time < to
}

/** The part of the day a visit starting at a wall-clock time (HH:MM) is in. */
export function partOfDayAt(time: string): PartOfDay {
  return PARTS_OF_DAY.find((part) => inPartOfDay(time, part)) ?? 'evening'
}
