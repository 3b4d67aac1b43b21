import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { transformSync } from 'esbuild'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** Compiles a TypeScript entry file and the project files it imports into a scratch folder; returns the runnable .js path. */
export function compileForNode(entry: string): string {
  const out = mkdtempSync(join(tmpdir(), 'crm-process-'))
  // The compiled code finds its dependencies and the migrations folder from its own location, as the built product does.
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'))
  symlinkSync(join(ROOT, 'migrations'), join(out, 'migrations'))
  // The pages' browser scripts, bundled by the run's build (test/helpers/global-setup.ts), as the built product reads them.
  mkdirSync(join(out, 'dist'))
  symlinkSync(join(ROOT, 'dist/browser'), join(out, 'dist/browser'))
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }))
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const source = readFileSync(file, 'utf8')
    // One file at a time, as the build compiles it: types stripped, class fields defined as ES2022 defines them.
    const js = transformSync(source, {
      loader: 'ts',
      format: 'esm',
      target: 'es2022',
      sourcefile: file,
      tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
    }).code
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js')
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, js)
    // Static imports, modules loaded when first needed (import('./x.js')) and worker entry points (new URL('./x.js', ...)).
    for (const m of source.matchAll(/(?:from |import\(|new URL\()'(\.{1,2}\/[^']+)\.js'/g)) {
      const imported = resolve(dirname(file), `${m[1]}.ts`)
      // A URL into the built output (dist/) names no source of its own.
      if (existsSync(imported)) visit(imported)
    }
  }
  visit(resolve(entry))
  return join(out, relative(ROOT, resolve(entry))).replace(/\.ts$/, '.js')
}

/** What a finished process wrote and how it ended. */
export interface ProcessResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a Node script to its end. */
export function runNode(script: string, args: string[]): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }))
  })
}
