// Bundles the pages' browser scripts (console/browser/*.ts) with esbuild into dist/browser/<name>.js, minified, one
// self-contained script each. The server reads these files as it starts (console/browser-script.ts) and inlines them,
// each allowed by its hash in the Content-Security-Policy. Run by cli/launch.mjs before tsc; plain JavaScript because
// it runs before anything is compiled.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The scripts a page (or the service worker) runs, by the name the server reads them by. */
export const BROWSER_ENTRIES = ['closeout', 'technician-pages', 'search', 'service-worker']

/** Where the bundles are written, under the repository root. */
export const BROWSER_OUT = 'dist/browser'

/** Bundles every entry; resolves to [name, bytes] of each, or rejects with esbuild's message naming the file and line. */
export async function bundleBrowserScripts(root) {
  // Loaded here, not at the top: every `npm start` imports this file for the names above, and only a build bundles.
  const { build } = await import('esbuild')
  const out = join(root, BROWSER_OUT)
  mkdirSync(out, { recursive: true })
  const sizes = []
  for (const name of BROWSER_ENTRIES) {
    const result = await build({
      absWorkingDir: root,
      entryPoints: [join(root, 'console/browser', `${name}.ts`)],
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'es2020',
      platform: 'browser',
      legalComments: 'none',
      charset: 'utf8',
      write: false,
      logLevel: 'silent',
    })
    // The entries import and export nothing: their code is wrapped in a function of its own, strict as modules are,
    // so nothing leaks into the page's globals. No trailing line break: the text is inlined and hashed as it is.
    const text = `(function(){"use strict";${result.outputFiles[0].text.trim()}})()`
    writeFileSync(join(out, `${name}.js`), text)
    sizes.push([name, Buffer.byteLength(text)])
  }
  return sizes
}
