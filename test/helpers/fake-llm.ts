import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One scripted answer: the message content, optionally after a delay in milliseconds. */
export interface FakeAnswer {
  content: string
  delayMs?: number
}

/** A local OpenAI-compatible chat completions server whose answers the test queues. */
export interface FakeLlm {
  /** Base URL to give the client, ending in /v1. */
  baseUrl: string
  /** Queues answers, used in order; with the queue empty the server answers 500. */
  answer(...answers: FakeAnswer[]): void
  /** The request bodies received so far. */
  requests: any[]
  close(): Promise<void>
}

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeLlm(): Promise<FakeLlm> {
  const queue: FakeAnswer[] = []
  const requests: any[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => {
      body += chunk
    })
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }))
        return
      }
      const parsed = JSON.parse(body)
      requests.push(parsed)
      const next = queue.shift()
      if (!next) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'no answer queued' } }))
        return
      }
      const send = () => {
        if (res.destroyed) return
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: `chatcmpl-${requests.length}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: parsed.model,
            choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: next.content } }],
            usage: {
              prompt_tokens: Math.ceil(body.length / 4),
              completion_tokens: Math.ceil(next.content.length / 4),
              total_tokens: Math.ceil(body.length / 4) + Math.ceil(next.content.length / 4),
            },
          }),
        )
      }
      if (next.delayMs) setTimeout(send, next.delayMs)
      else send()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    answer: (...answers) => {
      queue.push(...answers)
    },
    requests,
    async close() {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    },
  }
}
