import { atMostEvery, type Capability } from '../../kernel/plug-in.js'
import { reachOutBriefingLine } from './briefing.js'
import { runReachOutRules } from './job.js'

/** How often a worker looks for rules due: each runs once a day, so every ten minutes is on time. */
const EVERY_MS = 10 * 60 * 1000

/** What reach-outs that trigger themselves plug in: the daily run, the briefing line; the owner's page is in console/owner/reach-outs/. */
export const reachOutsCapability: Capability = {
  name: 'reach-outs',
  jobs: [{ name: 'reach-out-rules', failure: 'running the reach-out rules failed', pass: atMostEvery(EVERY_MS, runReachOutRules) }],
  briefing: reachOutBriefingLine,
  places: [
    {
      title: 'Reach-outs',
      path: '/reach-outs',
      about: 'Rules that find customers due for an email each day, and the batches waiting for you',
      words: ['reach-outs', 'automatic emails', 'win back', 'reminders', 'campaigns', 'season', 'lapsed customers'],
      roles: ['owner'],
    },
  ],
}
