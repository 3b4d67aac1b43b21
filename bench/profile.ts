import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'

/** The open inspector session of this process, made on the first profile. */
let session: Session | undefined

/**
 * With BENCH_PROFILE set to a folder, starts a CPU profile of this process (the app server's side of a comparison, say),
 * written there as `<name>.cpuprofile` when stopped; without it, does nothing.
 */
export async function startProfile(name: string): Promise<{ stop(): Promise<void> } | undefined> {
  const dir = process.env.BENCH_PROFILE
  if (!dir) return undefined
  if (!session) {
    session = new Session()
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 200 })
  }
  const s = session
  await s.post('Profiler.start')
  return {
    async stop() {
      const { profile } = await s.post('Profiler.stop')
      writeFileSync(join(dir, `${name.replace(/[^\w.-]+/g, '_')}.cpuprofile`), JSON.stringify(profile))
    },
  }
}
