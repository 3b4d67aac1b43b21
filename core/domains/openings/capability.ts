import type { Capability } from '../../kernel/plug-in.js'
import { openingsBriefingLine } from './briefing.js'

/** What filling openings from the waitlist plugs in: its daily_briefing line; its Home card is in console/owner/openings/. */
export const openingsCapability: Capability = {
  name: 'openings',
  briefing: openingsBriefingLine,
  places: [
    {
      title: 'Openings',
      path: '/openings',
      about: 'Times a cancel or a move left free, and who on the waitlist lives near them',
      words: ['openings', 'gaps', 'cancellations', 'fill the schedule', 'waitlist', 'free slots'],
      roles: ['owner'],
    },
  ],
}
