import type { Queryable } from '../../db/types.js'
import { AppError, validationError } from '../../kernel/errors.js'
import { localDate, weekdayOf, zonedInstant } from '../../vocabulary/time.js'
import type { TenantSettings } from '../settings/model.js'
import { assertNoDoubleBooking } from '../tickets/booking.js'
import { wallClock } from '../tickets/model.js'

/** A time to offer: when it starts and ends, and who is free then. */
export interface OfferedSlot {
  start: Date
  end: Date
  technicianId: string
}

/**
 * Refuses a time that is not really free: past, outside one of the business's opening periods, or clashing with the
 * team member's visits or their own Google calendar (as the availability data type counts them). The field named is
 * the slot's, so the caller knows which time to replace.
 */
export async function assertFreeSlot(
  tx: Queryable,
  slot: OfferedSlot,
  settings: Pick<TenantSettings, 'timezone' | 'business_hours'>,
  now: Date,
  field: string,
): Promise<void> {
  const tz = settings.timezone
  if (slot.start <= now) throw validationError([{ field, message: `${wallClock(slot.start, tz)} (${tz}) has already begun` }])
  const date = localDate(slot.start, tz)
  const inside = (settings.business_hours[weekdayOf(date)] ?? []).some(
    ([open, close]) => zonedInstant(date, open, tz) <= slot.start && slot.end <= zonedInstant(date, close, tz),
  )
  if (!inside) {
    throw validationError([
      {
        field,
        message: `${wallClock(slot.start, tz)} to ${wallClock(slot.end, tz)} (${tz}) is outside business hours; the availability data type lists free slots`,
      },
    ])
  }
  try {
    await assertNoDoubleBooking(tx, { technicianIds: [slot.technicianId], start: slot.start, end: slot.end, timeZone: tz })
  } catch (err) {
    if (err instanceof AppError && err.code === 'CONFLICT')
      throw new AppError('CONFLICT', `${field}: ${err.message}`, { ...(err.details as object), field })
    throw err
  }
}
