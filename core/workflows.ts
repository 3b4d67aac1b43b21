import type { OperationContext } from './context.js'

/**
 * The named workflows and what their steps share while one runs. The domain that owns a workflow declares it here from
 * its own files (`declare module '.../workflows.js' { interface Workflows { ... } }`), so a step's domain names it
 * without importing the owner, and the compiler still checks the step against what it is handed.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by each owning domain through declaration merging
export interface Workflows {}

/** The name of a declared workflow. */
export type WorkflowName = keyof Workflows

/** One step's work: it reads and adds to what the workflow's steps share. */
export type StepRun<W extends WorkflowName> = (ctx: OperationContext, shared: Workflows[W]) => Promise<void>

const orders = new Map<string, readonly string[]>()
const steps = new Map<string, StepRun<WorkflowName>>()

/**
 * Names a workflow's steps in the order they run; the owning domain declares it once. Each step is named
 * `domain.what-it-does` and registered by its domain (registerStep).
 */
export function defineWorkflow(name: WorkflowName, stepNames: readonly string[]): void {
  if (new Set(stepNames).size !== stepNames.length) throw new Error(`Workflow ${name} names a step twice`)
  orders.set(name, stepNames)
}

/** Registers the work of one named step, from the domain that owns the step (its front file). */
export function registerStep<W extends WorkflowName>(workflow: W, step: string, run: StepRun<W>): void {
  const key = `${workflow}/${step}`
  const known = steps.get(key)
  if (known && known !== run) throw new Error(`Step ${step} of workflow ${workflow} is registered twice`)
  steps.set(key, run as StepRun<WorkflowName>)
}

/** The steps of a workflow by name, in the order they run. */
export function stepsOf(workflow: WorkflowName): readonly string[] {
  const named = orders.get(workflow)
  if (!named) throw new Error(`Workflow ${workflow} is not defined`)
  return named
}

/**
 * Runs a workflow's steps one after another in the caller's transaction, each handed what the steps share: a step that
 * throws stops the rest and fails the caller, whose transaction rolls back what the earlier steps wrote. A step that no
 * domain registered stops the workflow before anything runs, so a missing part is never silently skipped.
 */
export async function runWorkflow<W extends WorkflowName>(ctx: OperationContext, workflow: W, shared: Workflows[W]): Promise<void> {
  const named = stepsOf(workflow)
  const missing = named.filter((s) => !steps.has(`${workflow}/${s}`))
  if (missing.length) throw new Error(`Workflow ${workflow} has steps no domain registered: ${missing.join(', ')}`)
  for (const s of named) await (steps.get(`${workflow}/${s}`) as StepRun<W>)(ctx, shared)
}
