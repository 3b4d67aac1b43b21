import type { Area } from '../text/action-words.js'
import { type BusyDoubtSource, type BusyTimeSource, registerBusyDoubt, registerBusyTime } from '../vocabulary/busy-time.js'
import { type CheckoutPayee, registerCheckoutPayee } from '../vocabulary/checkout-payees.js'
import { type AfterCommitHandler, type EventName, type InTransactionHandler, onEvent } from './events.js'
import type { Capability } from './plug-in.js'
import { defineWorkflow, registerStep, type StepRun, type WorkflowName } from './workflows.js'

/** One step a domain adds to a workflow another declares (a ticket's close-out), named `domain.what-it-does`. */
export interface WorkflowStep {
  workflow: WorkflowName
  step: string
  run: StepRun<never>
}

/** A domain's handler of an event another domain emits. */
export type EventHandler =
  | { event: EventName; when: 'in_transaction'; handler: InTransactionHandler<never> }
  | { event: EventName; when: 'after_commit'; handler: AfterCommitHandler<never> }

/** A handler of one event, typed by the event's declaration: `in_transaction` runs in the emitter's transaction. */
export function handle<E extends EventName>(event: E, when: 'in_transaction', handler: InTransactionHandler<E>): EventHandler
/** A handler of one event that runs once the emitter's transaction committed. */
export function handle<E extends EventName>(event: E, when: 'after_commit', handler: AfterCommitHandler<E>): EventHandler
export function handle(event: EventName, when: 'in_transaction' | 'after_commit', handler: unknown): EventHandler {
  return { event, when, handler } as EventHandler
}

/** A step of a workflow, typed by what the step's own domain needs of the workflow's shared value. */
export function step<T>(workflow: WorkflowName, name: string, run: StepRun<T>): WorkflowStep {
  return { workflow, step: name, run: run as StepRun<never> }
}

/**
 * A part a domain gives to an extension point another domain keeps (contacts' history counts, autopay's plan
 * acceptance): made by that domain's own function (e.g. contactHistory in core/domains/contacts/history.ts), which
 * names where it goes and puts it there when the domains are plugged in.
 */
export interface Plug {
  /** The extension point, as its owner names it, e.g. 'contacts.history'. */
  into: string
  plugIn(): void
}

/**
 * Everything a domain contributes, declared once in its front file as `export const domain = defineDomain({...})`
 * beside its operations: core/domains/index.ts reads it and plugs each part in, in the order of the domains' names.
 */
export interface DomainManifest {
  /** The other domains (and shared files of core/domains) it imports; test/architecture/domain-graph.test.ts holds it to the code. */
  uses: readonly string[]
  /** The tables it owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
  tables: readonly string[]
  /** Where the permissions page puts its actions, unless one says otherwise. */
  area?: Area
  /** What it plugs in as an integration (core/kernel/plug-in.ts), collected by core/domains/plugged-in.ts. */
  capability?: Capability
  /** The workflows it owns, each with its steps' names in the order they run. */
  workflows?: Readonly<Record<WorkflowName, readonly string[]>>
  /** The steps it adds to workflows, its own or other domains'. */
  steps?: readonly WorkflowStep[]
  /** The events of other domains it handles. */
  events?: readonly EventHandler[]
  /** Stripe Checkout sessions it is paid through, by the metadata key that names its record. */
  checkoutPayees?: Readonly<Record<string, CheckoutPayee>>
  /** Busy times it knows of beside visits, and where it cannot tell whether a time is free. */
  busyTime?: BusyTimeSource
  busyDoubt?: BusyDoubtSource
  /** What it gives the extension points of the domains it uses. */
  plugs?: readonly Plug[]
}

/** A domain's manifest, as its front file declares it. */
export function defineDomain(manifest: DomainManifest): DomainManifest {
  return manifest
}

/** Plugs a domain's parts into the kernel's extension points and, through its plugs, those of the domains it uses. */
export function plugInDomain(manifest: DomainManifest): void {
  for (const [name, steps] of Object.entries(manifest.workflows ?? {})) defineWorkflow(name, steps)
  for (const s of manifest.steps ?? []) registerStep(s.workflow, s.step, s.run)
  for (const e of manifest.events ?? []) onEvent(e.event, e.when, e.handler as never)
  for (const [key, payee] of Object.entries(manifest.checkoutPayees ?? {})) registerCheckoutPayee(key, payee)
  if (manifest.busyTime) registerBusyTime(manifest.busyTime)
  if (manifest.busyDoubt) registerBusyDoubt(manifest.busyDoubt)
  for (const plug of manifest.plugs ?? []) plug.plugIn()
}
