// Loaded into a server under measurement with `node --import`: on SIGUSR2 it writes where the process's memory is to the
// file named by BENCH_MEMORY_REPORT. It keeps a reference to each WebAssembly memory created, which is how the embedded
// engine's heap (PGlite's WASM memory) is found from outside the engine.
import { readFileSync, writeFileSync } from 'node:fs'
import { processMemory, residentOfMappingSized } from './process-memory.js'

/** What the report file holds, in bytes. */
export interface MemoryReport {
  rss: number
  peak: number
  anon: number
  file: number
  /** V8's JavaScript heap: allocated and in use. */
  heapTotal: number
  heapUsed: number
  /** Memory outside the JavaScript heap that V8 knows of (buffers, WASM memories). */
  external: number
  arrayBuffers: number
  /** Each WebAssembly memory: its size, and how much of it is resident (null when its mapping was not found). */
  wasm: Array<{ size: number; resident: number | null }>
}

/** The part of WebAssembly's global used here (the DOM typings that declare it are not loaded). */
interface WasmMemory {
  buffer: ArrayBuffer
}
const wasmGlobal = (globalThis as unknown as { WebAssembly: { Memory: new (...args: unknown[]) => WasmMemory } }).WebAssembly
const memories: Array<WeakRef<WasmMemory>> = []
wasmGlobal.Memory = new Proxy(wasmGlobal.Memory, {
  construct(target, args, newTarget) {
    const memory = Reflect.construct(target, args, newTarget) as WasmMemory
    memories.push(new WeakRef(memory))
    return memory
  },
})

/** Where this process's memory is now. */
function report(): MemoryReport {
  const usage = process.memoryUsage()
  const smaps = readFileSync('/proc/self/smaps', 'utf8')
  const wasm = memories.flatMap((ref) => {
    const m = ref.deref()
    if (!m) return []
    const size = m.buffer.byteLength
    return [{ size, resident: residentOfMappingSized(smaps, size) }]
  })
  return {
    ...processMemory(process.pid),
    heapTotal: usage.heapTotal,
    heapUsed: usage.heapUsed,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    wasm,
  }
}

const target = process.env.BENCH_MEMORY_REPORT
if (target) process.on('SIGUSR2', () => writeFileSync(target, JSON.stringify(report())))
