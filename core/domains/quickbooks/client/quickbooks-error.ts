/** A failure QuickBooks (or the way to it) answered, in QuickBooks' own words. */
export class QuickBooksError extends Error {
  /** The HTTP status, 0 when no answer came. */
  status: number
  /** QuickBooks' own error code ('6240', '5010', '003001', 'invalid_grant'), or 'unauthorized', 'network', 'timeout', 'http_<status>'. */
  code: string
  /** QuickBooks' Detail text. */
  detail: string
  /** The Fault's type (ValidationFault, AUTHENTICATION, SERVICE...), or 'oauth' and 'network'. */
  faultType: string
  /** True when the same request may succeed later (throttled, a server error, the network); false when it must change. */
  retryable: boolean

  constructor(init: { message: string; status: number; code: string; detail?: string; faultType: string; retryable: boolean }) {
    super(init.message)
    this.name = 'QuickBooksError'
    this.status = init.status
    this.code = init.code
    this.detail = init.detail ?? ''
    this.faultType = init.faultType
    this.retryable = init.retryable
  }
}

/** One error of a Fault body, as QuickBooks writes it (capitalised; a 401 answers in lower case). */
interface FaultError {
  Message?: string
  Detail?: string
  code?: string
  message?: string
  detail?: string
}

/** The Fault of an answer body, whichever case QuickBooks used, or undefined. */
export function faultOf(body: unknown): { type: string; errors: FaultError[] } | undefined {
  if (!body || typeof body !== 'object') return undefined
  const fault = (body as { Fault?: unknown; fault?: unknown }).Fault ?? (body as { fault?: unknown }).fault
  if (!fault || typeof fault !== 'object') return undefined
  const f = fault as { type?: string; Error?: FaultError[]; error?: FaultError[] }
  return { type: f.type ?? '', errors: f.Error ?? f.error ?? [] }
}

/** The first error code of a Fault, or ''. */
export function faultCode(body: unknown): string {
  return faultOf(body)?.errors[0]?.code ?? ''
}

/** A QuickBooksError from an answer: its Fault when there is one (message 'Message: Detail'), else the HTTP status. */
export function errorFromAnswer(status: number, body: unknown, text: string, retryable: boolean): QuickBooksError {
  const fault = faultOf(body)
  const first = fault?.errors[0]
  if (first) {
    const message = first.Message ?? first.message ?? 'QuickBooks refused the request'
    const detail = first.Detail ?? first.detail ?? ''
    return new QuickBooksError({
      message: detail ? `${message}: ${detail}` : message,
      status,
      code: first.code ?? `http_${status}`,
      detail,
      faultType: fault.type,
      retryable,
    })
  }
  return new QuickBooksError({
    message: `QuickBooks answered HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`,
    status,
    code: `http_${status}`,
    detail: text.slice(0, 500),
    faultType: '',
    retryable,
  })
}

/** The JSON of a text, or undefined when it is not JSON. */
export function parseJson(text: string): any {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}
