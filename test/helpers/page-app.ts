import type { Services } from '../../core/kernel/context.js'
import { expectData } from './envelope-assertions.js'
import { addUser } from './session-browser.js'
import { pageClient, type PageClient } from './technician-fixture.js'
import { startTestApp, type TestApp } from './app.js'
import type { TestEngine } from './databases.js'

/** An action run as the business's agent that must succeed: returns its data; any other answer fails the test, showing it. */
export type AgentAction = (domain: string, action: string, data: unknown, reasoning?: string) => Promise<any>

/** The agent's actions on the app `app()` returns when called (a file's app is made in beforeAll, after this is defined). */
export function okOf(app: () => TestApp): AgentAction {
  return async (domain, action, data, reasoning) =>
    expectData(await app().action(domain, action, data, reasoning === undefined ? undefined : { reasoning }))
}

/** What a page test file works with: its app, the owner signed in to the pages, and a technician when asked for. */
export interface PageApp {
  app: TestApp
  owner: PageClient
  /** Tom Tech (tom@sparkle.test), signed in; only when the file asked for a technician. */
  tech: PageClient
  techId: string
}

/** Who the file needs besides the signed-in owner. */
export interface PageAppOptions {
  /** The owner's name as the pages show it (the business is made with none). */
  ownerName?: string
  /** Adds Tom Tech; 'signed-in' also signs him in to the pages. */
  technician?: 'added' | 'signed-in'
}

/** Starts the app for one page test file (call it in beforeAll) with its fakes overridden as given, and signs the owner in. */
export async function startPageApp(engine: TestEngine, overrides: Partial<Services> = {}, options: PageAppOptions = {}): Promise<PageApp> {
  const app = await startTestApp(engine, overrides)
  if (options.ownerName) await app.t.admin.query('update users set name = $1 where id = $2', [options.ownerName, app.tenant.owner_user_id])
  const techId = options.technician ? await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Tech') : ''
  const owner = await pageClient(app, 'owner@sparkle.test')
  const tech = options.technician === 'signed-in' ? await pageClient(app, 'tom@sparkle.test') : (undefined as unknown as PageClient)
  return { app, owner, tech, techId }
}
