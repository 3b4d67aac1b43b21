import { expect } from 'vitest'
import type { ApiResponse } from './app.js'

/** Asserts an error answer: its status, the envelope's shape and code, a request id that matches the header, and no stack. */
export function expectError(res: ApiResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }, JSON.stringify(res.body)).toEqual({ status, code })
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  expect(res.body.success).toBe(false)
  expect(res.body.data).toBeNull()
  expect(typeof res.body.error?.message).toBe('string')
  expect(res.body.error!.message.length).toBeGreaterThan(0)
  expect(new Date(res.body.meta.timestamp).toISOString()).toBe(res.body.meta.timestamp)
  expect(res.body.meta.request_id).toBeTruthy()
  expect(res.body.meta.request_id).toBe(res.headers.get('x-request-id'))
  expect(Object.keys(res.body).sort()).toEqual(['data', 'error', 'meta', 'success'])
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|stack/i)
}

/** Asserts a successful envelope and returns its data. */
export function expectData<T = any>(res: ApiResponse<T>, status = 200): T {
  expect({ status: res.status, error: res.body?.error ?? null }, JSON.stringify(res.body)).toEqual({ status, error: null })
  expect(res.body.success).toBe(true)
  expect(res.body.meta.request_id).toBe(res.headers.get('x-request-id'))
  return res.body.data as T
}
