/** An answer the fake gives instead of a record: QuickBooks' Fault JSON with its HTTP status. */
export class FakeFault extends Error {
  constructor(
    readonly status: number,
    readonly body: object,
    readonly headers: Record<string, string> = {},
  ) {
    super(JSON.stringify(body))
  }
}

/** A Fault as QuickBooks writes it: `{"Fault": {"Error": [{Message, Detail, code, element}], "type"}, "time"}`. */
export function faultBody(code: string, message: string, detail: string, type = 'ValidationFault', element = '') {
  return {
    Fault: { Error: [{ Message: message, Detail: detail, code, ...(element ? { element } : {}) }], type },
    time: new Date().toISOString(),
  }
}

/** A FakeFault to throw. */
export function fakeFault(status: number, code: string, message: string, detail: string, type?: string, element?: string) {
  return new FakeFault(status, faultBody(code, message, detail, type, element))
}

/** QuickBooks' 401: a lower-case fault, code 3200. */
export function authenticationFault(detail: string) {
  return new FakeFault(401, {
    warnings: null,
    intuitObject: null,
    fault: {
      error: [{ message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', detail, code: '3200', element: null }],
      type: 'AUTHENTICATION',
    },
    time: new Date().toISOString(),
  })
}

/** QuickBooks' 429 ThrottleExceeded. */
export function throttleBody() {
  return faultBody('003001', 'message=ThrottleExceeded; errorCode=003001; statusCode=429', 'The request limit was reached.', 'SERVICE')
}

/** The default body of a failNext() status. */
export function defaultFailure(status: number): object {
  if (status === 429) return throttleBody()
  if (status === 401) return authenticationFault('Token expired').body
  if (status >= 500) {
    return faultBody(
      '10000',
      'An application error has occurred while processing your request',
      'System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again.',
      'SystemFault',
    )
  }
  return faultBody(
    '6000',
    'A business validation error has occurred while processing your request',
    'Business Validation Error',
    'ValidationFault',
  )
}

/** 2020: a required field is missing. */
export function requiredMissing(field: string) {
  return fakeFault(
    400,
    '2020',
    'Required param missing, need to supply the required value for the API',
    `Required parameter ${field} is missing in the request`,
    'ValidationFault',
    field,
  )
}

/** 2500: a reference to a record that does not exist. */
export function invalidReference(entity: string, id: string, element: string) {
  return fakeFault(
    400,
    '2500',
    'Invalid Reference Id',
    `Invalid Reference Id : ${entity} element id ${id} not found`,
    'ValidationFault',
    element,
  )
}

/** 6000: a business rule refused the record. */
export function businessError(detail: string) {
  return fakeFault(
    400,
    '6000',
    'A business validation error has occurred while processing your request',
    `Business Validation Error: ${detail}`,
  )
}
