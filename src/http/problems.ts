import Type, { type Static } from 'typebox'

/**
 * The closed set of problems this API answers with: RFC 9457
 * `application/problem+json`. A handler throws `new HttpProblem(code, detail)`;
 * the error handler (errors.ts) renders it. Add a new kind here, never inline.
 */
export const PROBLEMS = {
  validation: { status: 400, title: 'The request does not match the schema' },
  'malformed-request': { status: 400, title: 'The request could not be read' },
  'cpr-in-url': { status: 400, title: 'CPR numbers must not be sent in URLs' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed for this client' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'The request conflicts with the resource\'s state' },
  'not-configured': { status: 409, title: 'The municipality is not set up for this operation' },
  'idempotency-in-progress': { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  'precondition-failed': { status: 412, title: 'The resource has changed since the ETag in If-Match was read' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'catalog-code': { status: 422, title: 'A code is not valid in its catalog on the registration date' },
  'domain-rule': { status: 422, title: 'The request breaks a rule of FFB or VUM' },
  'idempotency-key-reused': { status: 422, title: 'The Idempotency-Key was already used for a different request' },
  'precondition-required': { status: 428, title: 'This update requires an If-Match header with the resource\'s ETag' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal server error' },
  unavailable: { status: 503, title: 'Service unavailable' }
} as const satisfies Record<string, { status: number, title: string }>

export type ProblemCode = keyof typeof PROBLEMS

export const PROBLEM_MEDIA_TYPE = 'application/problem+json'

export const problemType = (code: ProblemCode): string => `urn:ffb-api:problem:${code}`

export const ValidationIssue = Type.Object({
  in: Type.Union([Type.Literal('body'), Type.Literal('query'), Type.Literal('path'), Type.Literal('header')], {
    description: 'Which part of the request the pointer refers to'
  }),
  pointer: Type.String({ description: 'JSON Pointer (RFC 6901) to the offending value within that part', examples: ['/cpr'] }),
  code: Type.String({ description: 'The rule that failed, e.g. required, type, format, enum', examples: ['format'] }),
  message: Type.String({ examples: ['must match format "date"'] })
})
export type ValidationIssue = Static<typeof ValidationIssue>

export const Problem = Type.Object({
  type: Type.String({ description: 'Stable identifier of the kind of problem', examples: [problemType('validation')] }),
  title: Type.String({ description: 'Short summary of the kind of problem' }),
  status: Type.Integer({ minimum: 400, maximum: 599 }),
  detail: Type.Optional(Type.String({ description: 'What went wrong with this request' })),
  instance: Type.Optional(Type.String({ description: 'The request path' })),
  requestId: Type.String({ description: 'Also in the X-Request-Id response header and in our logs' }),
  errors: Type.Optional(Type.Array(ValidationIssue, { description: 'Every schema violation, not only the first' }))
}, {
  $id: 'Problem',
  description: 'RFC 9457 problem details'
})
export type Problem = Static<typeof Problem>

export class HttpProblem extends Error {
  readonly status: number
  constructor (
    readonly code: ProblemCode,
    detail?: string,
    readonly extra: { errors?: ValidationIssue[], headers?: Record<string, string> } = {}
  ) {
    super(detail ?? PROBLEMS[code].title)
    this.name = 'HttpProblem'
    this.status = PROBLEMS[code].status
  }
}

/** The `response` entries that document problem answers for the given statuses. */
export function problemResponses (codes: readonly ProblemCode[]): Record<number, unknown> {
  const titles = new Map<number, string[]>()
  for (const code of codes) {
    const { status, title } = PROBLEMS[code]
    titles.set(status, [...(titles.get(status) ?? []), title])
  }
  return Object.fromEntries([...titles].map(([status, list]) => [status, {
    description: list.join('; '),
    content: { [PROBLEM_MEDIA_TYPE]: { schema: Type.Ref('Problem') } }
  }]))
}

/** A problem with one field of the request: names the field (a JSON Pointer) and the rule it breaks. */
export function fieldProblem (code: ProblemCode, pointer: string, rule: string, message: string, where: ValidationIssue['in'] = 'body'): HttpProblem {
  return new HttpProblem(code, `${pointer.slice(1)} ${message}`, { errors: [{ in: where, pointer, code: rule, message }] })
}
