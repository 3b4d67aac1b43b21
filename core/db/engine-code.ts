import { setFlagsFromString } from 'node:v8'

/** What this process chose for the embedded engine's code, once: baseline only, or optimized too. */
let chosen: 'baseline' | 'optimized' | null = null

/**
 * Has V8 compile the embedded engine's WebAssembly with its baseline compiler only (Liftoff), from now on in this
 * process: the optimizing tier keeps about 50 MB more resident in an idle server (PostgreSQL's hot functions compiled
 * twice) for writes about a tenth faster (docs/benchmarks.md, server memory). The flag is the process's: it is set
 * before the engine's module is compiled, once, and never undone; not after the process chose optimized code.
 */
export function baselineEngineCode(): void {
  if (chosen) return
  chosen = 'baseline'
  setFlagsFromString('--liftoff-only')
}

/** Keeps the optimizing tier for this process's serving engine (CRM_EMBEDDED_OPTIMIZE), whatever opens after it. */
export function optimizedEngineCode(): void {
  chosen ??= 'optimized'
}
