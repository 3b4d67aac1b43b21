/** One answer the server gave (or did not give) during a fault. */
export interface Answer {
  request: string
  status: number
  /** The envelope's error code, if any. */
  code: string | null
  retryAfter: string | null
  ms: number
  /** Set when no HTTP answer came: the connection failed or the answer took longer than the bound. */
  failure?: string
}

/** The kinds of request the traffic sends, in turn: a read, a write, and the readiness check. */
const REQUESTS = [
  { name: 'GET /api/data', method: 'GET', path: '/api/data?type=contacts&limit=5' },
  {
    name: 'POST /api/actions',
    method: 'POST',
    path: '/api/actions',
    body: () => ({ domain: 'contact', action: 'create', data: { display_name: 'Fault Customer' } }),
  },
  { name: 'GET /readyz', method: 'GET', path: '/readyz' },
]

/** Sends one request as the agent and records what came back, giving up after boundMs. */
export async function ask(url: string, token: string, kind: number, boundMs: number): Promise<Answer> {
  const r = REQUESTS[kind % REQUESTS.length]
  const started = Date.now()
  try {
    const res = await fetch(url + r.path, {
      method: r.method,
      headers: { authorization: `Bearer ${token}`, ...(r.body ? { 'content-type': 'application/json' } : {}) },
      body: r.body ? JSON.stringify(r.body()) : undefined,
      signal: AbortSignal.timeout(boundMs),
    })
    const body = (await res.json().catch(() => null)) as { error?: { code?: string } | null } | null
    return {
      request: r.name,
      status: res.status,
      code: body?.error?.code ?? null,
      retryAfter: res.headers.get('retry-after'),
      ms: Date.now() - started,
    }
  } catch (err) {
    return {
      request: r.name,
      status: 0,
      code: null,
      retryAfter: null,
      ms: Date.now() - started,
      failure: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    }
  }
}

/** Requests sent back to back by several clients until stopped. */
export interface Traffic {
  answers: Answer[]
  /** Stops sending and waits for the requests in flight; returns every answer. */
  stop(): Promise<Answer[]>
}

/** Starts `clients` loops of requests against the server. */
export function startTraffic(url: string, token: string, opts: { clients: number; boundMs: number }): Traffic {
  const answers: Answer[] = []
  let running = true
  let n = 0
  const loops = Array.from({ length: opts.clients }, async () => {
    while (running) answers.push(await ask(url, token, n++, opts.boundMs))
  })
  return {
    answers,
    async stop() {
      running = false
      await Promise.all(loops)
      return answers
    },
  }
}

/** Whether an answer is one a fault may give: a success, or 503 UNAVAILABLE with Retry-After. */
export function acceptable(a: Answer): boolean {
  if (a.failure) return false
  if (a.status >= 200 && a.status < 300) return true
  return a.status === 503 && a.code === 'UNAVAILABLE' && a.retryAfter !== null && Number(a.retryAfter) > 0
}

/** Polls until cond() holds, checking every `everyMs`; throws naming `what` after timeoutMs. */
export async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** Seconds from now until a read succeeds again; every answer on the way must be acceptable. */
export async function recovery(
  url: string,
  token: string,
  opts: { boundMs: number; timeoutMs: number },
): Promise<{ seconds: number; answers: Answer[] }> {
  const started = Date.now()
  const answers: Answer[] = []
  await until(
    'the server to serve reads again',
    async () => {
      const a = await ask(url, token, 0, opts.boundMs)
      answers.push(a)
      return a.status === 200
    },
    opts.timeoutMs,
    100,
  )
  return { seconds: (Date.now() - started) / 1000, answers }
}
