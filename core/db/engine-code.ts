import { setFlagsFromString } from 'node:v8'

let chosen = false

/**
 * Has V8 compile the embedded engine's WebAssembly with its baseline compiler only (Liftoff), from now on in this
 * process: the optimizing tier keeps about 50 MB more resident in an idle server (PostgreSQL's hot functions compiled
 * twice) for writes about a tenth faster (docs/benchmarks.md, server memory). The flag is the process's: it is set
 * before the engine's module is compiled, once, and never undone.
 */
export function baselineEngineCode(): void {
  if (chosen) return
  chosen = true
  setFlagsFromString('--liftoff-only')
}
