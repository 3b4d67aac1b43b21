#!/usr/bin/env node
// The operator CLI: runs the compiled code in dist/, building it first when a source changed since the last build.
process.argv.splice(2, 0, 'cli/main')
await import('../cli/launch.mjs')
