import { mkdirSync, writeFileSync } from 'node:fs'
import { expect } from 'vitest'
import { workersFolder } from './file-bound-folder.js'

// Runs in the worker before each test file: says which file this process runs, so the bound can end it if it blocks.
const folder = workersFolder(process.ppid)
mkdirSync(folder, { recursive: true })
writeFileSync(`${folder}/${process.pid}`, expect.getState().testPath ?? '')
