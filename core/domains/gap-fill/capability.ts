import type { Capability } from '../../capability.js'
import { gapFillBriefingLine } from './briefing.js'

/** What filling openings from the waitlist plugs in: its daily_briefing line; its Home card is in console/owner/gap-fill/. */
export const gapFillCapability: Capability = {
  name: 'gap-fill',
  briefing: gapFillBriefingLine,
  places: [
    {
      title: 'Openings',
      path: '/gaps',
      about: 'Times a cancel or a move left free, and who on the waitlist lives near them',
      words: ['openings', 'gaps', 'cancellations', 'fill the schedule', 'waitlist', 'free slots'],
      roles: ['owner'],
    },
  ],
}
