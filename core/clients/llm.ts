import type OpenAI from 'openai'
import { z } from 'zod'
import { log } from '../kernel/log.js'
import { lazyPackage } from './lazy-package.js'

/** The openai package, loaded when a model is configured. */
const openaiPackage = lazyPackage<typeof import('openai')>('openai')

/** How long one attempt may take unless the configuration says otherwise. */
const DEFAULT_TIMEOUT_MS = 20_000

/** Where the model is and how long to wait for it. */
export interface LlmConfig {
  baseUrl: string
  apiKey: string
  model: string
  /** Per attempt; default 20 s. */
  timeoutMs?: number
}

/** Why an extraction produced nothing usable. */
export type ExtractionFailureReason = 'timeout' | 'unavailable' | 'invalid_json' | 'schema_violation'

/** Tokens one call spent. */
export interface LlmUsage {
  prompt_tokens: number
  completion_tokens: number
}

/** A structured answer, or a typed failure saying why there is none; never an empty success. */
export type ExtractionResult<T> =
  | { ok: true; value: T; usage: LlmUsage }
  | { ok: false; reason: ExtractionFailureReason; message: string; usage?: LlmUsage }

/** One extraction request: the zod schema is both the response_format JSON schema and the validator of the answer. */
export interface ExtractionRequest<T> {
  name: string
  schema: z.ZodType<T>
  system: string
  text: string
  /** Recorded with the token usage. */
  tenantId?: string
  /** Per attempt, shorter than the client's for a person waiting on a page (the client's limit still caps it). */
  timeoutMs?: number
}

/** Structured extraction through any OpenAI-compatible server. */
export interface LlmClient {
  model: string
  extract<T>(req: ExtractionRequest<T>): Promise<ExtractionResult<T>>
}

/** The client from LLM_BASE_URL, LLM_API_KEY and LLM_MODEL, or null when no model is configured. */
export function llmClientFromEnv(env: NodeJS.ProcessEnv): LlmClient | null {
  if (!env.LLM_BASE_URL || !env.LLM_MODEL) return null
  // Local servers (Ollama, vLLM) accept any key; the SDK insists on one.
  return createLlmClient({ baseUrl: env.LLM_BASE_URL, apiKey: env.LLM_API_KEY || 'none', model: env.LLM_MODEL })
}

/** An LLM client over the openai SDK: one retry, a per-attempt timeout, token usage logged per tenant. */
export function createLlmClient(config: LlmConfig): LlmClient {
  const openai = new (openaiPackage().OpenAI)({
    baseURL: config.baseUrl,
    apiKey: config.apiKey,
    timeout: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: 0,
  })
  return {
    model: config.model,
    async extract<T>(req: ExtractionRequest<T>): Promise<ExtractionResult<T>> {
      const first = await attempt(openai, config.model, config.timeoutMs ?? DEFAULT_TIMEOUT_MS, req)
      if (first.ok) return first
      log('warn', 'llm extraction failed, retrying once', { name: req.name, reason: first.reason, message: first.message })
      const second = await attempt(openai, config.model, config.timeoutMs ?? DEFAULT_TIMEOUT_MS, req)
      // Both attempts cost tokens: the usage reported is their sum.
      const usage = addUsage(first.usage, second.usage)
      return second.ok ? { ...second, usage: usage ?? second.usage } : { ...second, usage }
    },
  }
}

async function attempt<T>(openai: OpenAI, model: string, timeoutMs: number, req: ExtractionRequest<T>): Promise<ExtractionResult<T>> {
  let completion: OpenAI.Chat.Completions.ChatCompletion
  try {
    completion = await openai.chat.completions.create(
      {
        model,
        messages: [
          { role: 'system', content: req.system },
          { role: 'user', content: req.text },
        ],
        response_format: {
          type: 'json_schema',
          json_schema: { name: req.name, strict: true, schema: z.toJSONSchema(req.schema) as Record<string, unknown> },
        },
      },
      { timeout: Math.min(req.timeoutMs ?? timeoutMs, timeoutMs) },
    )
  } catch (err) {
    if (err instanceof openaiPackage().APIConnectionTimeoutError)
      return { ok: false, reason: 'timeout', message: 'the model did not answer in time' }
    return { ok: false, reason: 'unavailable', message: err instanceof Error ? err.message : String(err) }
  }
  const usage = { prompt_tokens: completion.usage?.prompt_tokens ?? 0, completion_tokens: completion.usage?.completion_tokens ?? 0 }
  log('info', 'llm usage', { tenant_id: req.tenantId ?? null, model, name: req.name, ...usage })
  const content = completion.choices[0]?.message?.content
  if (!content) return { ok: false, reason: 'invalid_json', message: 'the model returned no content', usage }
  let json: unknown
  try {
    json = JSON.parse(content)
  } catch {
    return { ok: false, reason: 'invalid_json', message: `the model returned text that is not JSON: ${content.slice(0, 80)}`, usage }
  }
  const parsed = req.schema.safeParse(json)
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')
    return { ok: false, reason: 'schema_violation', message: `the model's answer does not fit the schema: ${issues}`, usage }
  }
  return { ok: true, value: parsed.data, usage }
}

function addUsage(a: LlmUsage | undefined, b: LlmUsage | undefined): LlmUsage | undefined {
  if (!a || !b) return a ?? b
  return { prompt_tokens: a.prompt_tokens + b.prompt_tokens, completion_tokens: a.completion_tokens + b.completion_tokens }
}
