import type { OperationContext, Principal, Services } from './context.js'

/**
 * The named events domains emit, each with what it carries. The domain that emits an event declares it here from its own
 * files (`declare module '.../events.js' { interface DomainEvents { ... } }`), so a subscriber in a higher domain names
 * it without importing the lower one, and the compiler still checks both ends.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by each emitting domain through declaration merging
export interface DomainEvents {}

/** The name of a declared event. */
export type EventName = keyof DomainEvents

/** A subscriber that runs inside the emitter's transaction: its writes commit or roll back with the emitter's. */
export type InTransactionHandler<E extends EventName> = (ctx: OperationContext, payload: DomainEvents[E]) => Promise<void>

/** A subscriber that runs once the emitter's transaction has committed, so it never blocks or undoes the emitter. */
export type AfterCommitHandler<E extends EventName> = (
  at: Principal & { requestId: string; services: Services },
  payload: DomainEvents[E],
) => Promise<void>

type Subscription =
  | { name: string; when: 'in_transaction'; handler: InTransactionHandler<EventName> }
  | { name: string; when: 'after_commit'; handler: AfterCommitHandler<EventName> }

const subscriptions: Subscription[] = []

/**
 * Subscribes to an event, from the subscribing domain's manifest (its events). `in_transaction` when the effect must be atomic with
 * the event, `after_commit` when it must not hold the emitter up. A handler registered twice runs once.
 */
export function onEvent<E extends EventName>(
  name: E,
  when: 'in_transaction' | 'after_commit',
  handler: InTransactionHandler<E> | AfterCommitHandler<E>,
): void {
  if (subscriptions.some((s) => s.name === name && s.handler === handler)) return
  subscriptions.push({ name, when, handler } as Subscription)
}

/**
 * Emits an event: its in-transaction subscribers run now, one after another in the order they subscribed (they share the
 * caller's transaction, and a failure among them fails the caller); its after-commit subscribers are queued to run once
 * the transaction commits, and never if it rolls back.
 */
export async function emitEvent<E extends EventName>(ctx: OperationContext, name: E, payload: DomainEvents[E]): Promise<void> {
  for (const s of subscriptions) {
    if (s.name !== name) continue
    if (s.when === 'in_transaction') await s.handler(ctx, payload)
    else {
      const handler = s.handler
      const at = { tenantId: ctx.tenantId, actor: ctx.actor, requestId: ctx.requestId, services: ctx.services }
      ctx.afterCommit(() => handler(at, payload))
    }
  }
}

/** The subscribers of an event as (when, handler name): what a test or a reader checks is wired. */
export function subscribersOf(name: EventName): Array<{ when: string; handler: string }> {
  return subscriptions.filter((s) => s.name === name).map((s) => ({ when: s.when, handler: s.handler.name }))
}
