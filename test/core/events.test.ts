import { describe, expect, it } from 'vitest'
import type { OperationContext } from '../../core/kernel/context.js'
import { emitEvent, onEvent, subscribersOf } from '../../core/kernel/events.js'

declare module '../../core/kernel/events.js' {
  interface DomainEvents {
    /** Only this test emits it. */
    'test.visit_rang': { visit: string }
  }
}

/** A context whose after-commit list the test runs itself, as a committed transaction would. */
function contextWithCommit(): { ctx: OperationContext; commit: () => Promise<void> } {
  const later: Array<() => Promise<void>> = []
  const ctx = {
    tenantId: 't1',
    actor: { type: 'system', id: null },
    requestId: 'r1',
    afterCommit: (fn: () => Promise<void>) => later.push(fn),
  } as unknown as OperationContext
  return { ctx, commit: async () => Promise.all(later.map((fn) => fn())).then(() => undefined) }
}

describe('named events between domains', () => {
  const heard: string[] = []
  async function inTransaction(_ctx: OperationContext, e: { visit: string }) {
    heard.push(`now:${e.visit}`)
  }
  async function afterCommit(at: { requestId: string }, e: { visit: string }) {
    heard.push(`after:${e.visit}:${at.requestId}`)
  }
  onEvent('test.visit_rang', 'in_transaction', inTransaction)
  onEvent('test.visit_rang', 'after_commit', afterCommit)
  // Subscribing again from a front file loaded twice changes nothing.
  onEvent('test.visit_rang', 'in_transaction', inTransaction)

  it('runs in-transaction subscribers at once, in order, and after-commit ones only once the transaction commits', async () => {
    heard.length = 0
    const { ctx, commit } = contextWithCommit()
    await emitEvent(ctx, 'test.visit_rang', { visit: '#240' })
    expect(heard).toEqual(['now:#240'])
    await commit()
    expect(heard).toEqual(['now:#240', 'after:#240:r1'])
    expect(subscribersOf('test.visit_rang')).toEqual([
      { when: 'in_transaction', handler: 'inTransaction' },
      { when: 'after_commit', handler: 'afterCommit' },
    ])
  })

  it('never runs an after-commit subscriber of a transaction that rolled back, and fails the emitter when a subscriber fails', async () => {
    heard.length = 0
    const { ctx } = contextWithCommit()
    await emitEvent(ctx, 'test.visit_rang', { visit: '#241' })
    // The transaction rolls back: its after-commit list is dropped, never run.
    expect(heard).toEqual(['now:#241'])
    async function refuses() {
      throw new Error('no ladder')
    }
    onEvent('test.visit_rang', 'in_transaction', refuses)
    await expect(emitEvent(ctx, 'test.visit_rang', { visit: '#242' })).rejects.toThrow('no ladder')
  })
})
