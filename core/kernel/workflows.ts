import type { OperationContext } from './context.js'

/**
 * One step's work: it reads and adds to what the workflow's steps share, typed as the step's own domain declares what it
 * needs of it (`T`). A step in a domain above the owner takes the owner's type; one below declares its own, and the owner
 * holds its shared value to that type where it names the step (tickets/close-workflow.ts).
 */
export type StepRun<T> = (ctx: OperationContext, shared: T) => Promise<void>

/** The name of a workflow, `domain.what`, declared by its owner with defineWorkflow. */
export type WorkflowName = string

const orders = new Map<string, readonly string[]>()
const steps = new Map<string, StepRun<unknown>>()

/**
 * Names a workflow's steps in the order they run; the owning domain declares it once. Each step is named
 * `domain.what-it-does` and registered by its domain (registerStep).
 */
export function defineWorkflow(name: WorkflowName, stepNames: readonly string[]): void {
  if (new Set(stepNames).size !== stepNames.length) throw new Error(`Workflow ${name} names a step twice`)
  orders.set(name, stepNames)
}

/** Registers the work of one named step, from the domain that owns the step (its manifest's steps). */
export function registerStep<T>(workflow: WorkflowName, step: string, run: StepRun<T>): void {
  const key = `${workflow}/${step}`
  const known = steps.get(key)
  if (known && known !== run) throw new Error(`Step ${step} of workflow ${workflow} is registered twice`)
  steps.set(key, run as StepRun<unknown>)
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
export async function runWorkflow<T>(ctx: OperationContext, workflow: WorkflowName, shared: T): Promise<void> {
  const named = stepsOf(workflow)
  const missing = named.filter((s) => !steps.has(`${workflow}/${s}`))
  if (missing.length) throw new Error(`Workflow ${workflow} has steps no domain registered: ${missing.join(', ')}`)
  for (const s of named) await (steps.get(`${workflow}/${s}`) as StepRun<T>)(ctx, shared)
}
