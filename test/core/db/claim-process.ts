// Run as a process of its own by data-dir-lock.test.ts: at the given instant, claims the data folder at argv[2] and says
// whether it got it, then holds it a moment so that the others' claims meet a live holder.
import { lockDataDir } from '../../../core/db/data-dir-lock.js'

const [dataDir, at] = process.argv.slice(2)
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(at) - Date.now() - 50)))
// The last moment spun, not slept: timers wake a few milliseconds apart, and the claims should meet.
while (Date.now() < Number(at));
try {
  const lock = lockDataDir(dataDir, 'claim test')
  process.stdout.write('claimed')
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  lock.release()
} catch (err) {
  process.stdout.write(`refused: ${err instanceof Error ? err.message : String(err)}`)
}
