import Type, { type Static } from 'typebox'

/**
 * The closed set of problems this API answers with: RFC 9457
 * `application/problem+json`. A handler throws `new HttpProblem(code, detail)`;
 * the error handler (errors.ts) renders it. Add a new kind here, never inline.
 */
export const PROBLEMS = {
  validation: { status: 400, title: 'The request does not match the schema', example: '1 schema violation(s) in the request body' },
  'malformed-request': { status: 400, title: 'The request could not be read', example: 'Body is not valid JSON but content-type is set to \'application/json\'' },
  'cpr-in-url': { status: 400, title: 'CPR numbers must not be sent in URLs', example: 'The URL contains what looks like a CPR number; send it in the request body' },
  unauthorized: { status: 401, title: 'Authentication required', example: 'Send Authorization: Bearer <token>' },
  forbidden: { status: 403, title: 'Not allowed for this client', example: 'This client lacks the scope cases:write' },
  'not-found': { status: 404, title: 'Not found', example: 'No case 0b6f3c1e-6f0a-4c55-9a57-3c2e8d6e1f10 in the municipalities this client serves' },
  'method-not-allowed': { status: 405, title: 'Method not allowed', example: 'DELETE is not allowed on /v1/cases; use GET, HEAD, POST' },
  conflict: { status: 409, title: 'The request conflicts with the resource\'s state', example: 'Intervention 5f0c2a4e-1d7b-4e8a-9c3f-2b6d8e0a1c47 already ended on 2023-10-31' },
  anonymised: { status: 409, title: 'The case was anonymised under its municipality\'s retention policy', example: 'Case 0b6f3c1e-6f0a-4c55-9a57-3c2e8d6e1f10 was anonymised at 2031-02-01T02:00:00Z under its municipality\'s retention policy: it can no longer change' },
  'not-configured': { status: 409, title: 'The municipality is not set up for this operation', example: 'Municipality 101 has no KOMBIT organisation UUID (KOMBIT_ORGANISATIONS)' },
  'idempotency-in-progress': { status: 409, title: 'A request with this Idempotency-Key is still being processed', example: 'The first request with this Idempotency-Key has not finished; retry shortly' },
  'precondition-failed': { status: 412, title: 'The resource has changed since the ETag in If-Match was read', example: 'The resource has changed; read it again and retry with its current ETag' },
  'request-timeout': { status: 408, title: 'The request was not received in time', example: 'The request head was not complete within 10000 ms' },
  'payload-too-large': { status: 413, title: 'Request body too large', example: 'Request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type', example: 'Unsupported content type: text/plain; send application/json' },
  'catalog-code': { status: 422, title: 'A code is not valid in its catalog on the registration date', example: '/code: not a code of ydelser in force on 2023-07-20' },
  'domain-rule': { status: 422, title: 'The request breaks a rule of FFB or VUM', example: 'goalId is not a goal of this case' },
  'idempotency-key-reused': { status: 422, title: 'The Idempotency-Key was already used for a different request', example: 'This Idempotency-Key was used for a different request; use a new key for a new request' },
  'precondition-required': { status: 428, title: 'This update requires an If-Match header with the resource\'s ETag', example: 'Send If-Match with the ETag you read; this update is refused without it' },
  'too-many-requests': { status: 429, title: 'Too many requests', example: 'At most 600 requests per 1 minute; retry after 12 s' },
  'header-fields-too-large': { status: 431, title: 'Request header fields too large', example: 'The request line and headers exceed 16384 bytes' },
  internal: { status: 500, title: 'Internal server error', example: 'An unexpected error occurred; quote the request id when reporting it' },
  unavailable: { status: 503, title: 'Service unavailable', example: 'The database is not reachable; retry shortly' }
} as const satisfies Record<string, {
  status: number
  title: string
  /** A typical detail, for the document's example of this problem. */
  example: string
}>

export type ProblemCode = keyof typeof PROBLEMS

export const PROBLEM_MEDIA_TYPE = 'application/problem+json'

export const problemType = (code: ProblemCode): `urn:ffb-api:problem:${ProblemCode}` => `urn:ffb-api:problem:${code}`

const CODES = Object.keys(PROBLEMS) as ProblemCode[]

export const ValidationIssue = Type.Object({
  in: Type.Union([Type.Literal('body'), Type.Literal('query'), Type.Literal('path'), Type.Literal('header')], {
    description: 'Which part of the request the pointer refers to'
  }),
  pointer: Type.String({ description: 'JSON Pointer (RFC 6901) to the offending value within that part', examples: ['/cpr'] }),
  code: Type.String({ description: 'The rule that failed, e.g. required, type, format, enum', examples: ['format'] }),
  message: Type.String({ examples: ['must match format "date"'] })
})
export type ValidationIssue = Static<typeof ValidationIssue>

/** The problems that name the offending field, as their examples show. */
const EXAMPLE_ISSUES: Partial<Record<ProblemCode, ValidationIssue>> = {
  validation: { in: 'body', pointer: '/startdato', code: 'format', message: 'must match format "date"' },
  'catalog-code': { in: 'body', pointer: '/code', code: 'catalog', message: 'not a code of ydelser in force on 2023-07-20' },
  'domain-rule': { in: 'body', pointer: '/goalId', code: 'not-on-case', message: 'is not a goal of this case' }
}

export const Problem = Type.Object({
  type: Type.Unsafe<ReturnType<typeof problemType>>({
    type: 'string',
    enum: CODES.map(problemType),
    description: 'Stable identifier of the kind of problem: one of a closed set, each with its status and title ' +
      '(x-enum-descriptions). A client branches on this, never on the title or detail.',
    'x-enum-varnames': CODES.map((code) => code.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())),
    'x-enum-descriptions': CODES.map((code) => `${PROBLEMS[code].status} ${PROBLEMS[code].title}`)
  }),
  title: Type.String({ description: 'Short summary of the kind of problem' }),
  status: Type.Integer({ minimum: 400, maximum: 599 }),
  detail: Type.Optional(Type.String({ description: 'What went wrong with this request' })),
  instance: Type.Optional(Type.String({ description: 'The request path' })),
  requestId: Type.String({ description: 'Also in the X-Request-Id response header and in our logs' }),
  errors: Type.Optional(Type.Array(ValidationIssue, { description: 'Every schema violation, not only the first' }))
}, {
  $id: 'Problem',
  description: 'RFC 9457 problem details',
  // One of each kind; each response lists the kinds it may give, with these examples.
  examples: CODES.map((code) => exampleOf(code).value)
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
    content: {
      [PROBLEM_MEDIA_TYPE]: {
        schema: Type.Ref('Problem'),
        examples: Object.fromEntries(codes.filter((code) => PROBLEMS[code].status === status).map((code) => [code, exampleOf(code)]))
      }
    }
  }]))
}

interface ProblemResponse {
  description: string
  content?: Record<string, { schema: unknown, examples?: Record<string, unknown> }>
}

/**
 * A route's responses with the problem answers for `codes` added (what a
 * plugin adds to every route it sees): where the route declares problems at
 * the same status, both are kept, so each status lists every kind and an
 * example of each.
 */
export function withProblems (responses: unknown, codes: readonly ProblemCode[]): Record<string, unknown> {
  const own = (responses ?? {}) as Record<string, ProblemResponse | undefined>
  const added = problemResponses(codes) as Record<string, ProblemResponse>
  const merged: Record<string, unknown> = { ...added, ...own }
  for (const [status, response] of Object.entries(added)) {
    const theirs = own[status]?.content?.[PROBLEM_MEDIA_TYPE]
    if (theirs?.examples === undefined) continue
    merged[status] = {
      description: [...new Set([...own[status]!.description.split('; '), ...response.description.split('; ')])].join('; '),
      content: { [PROBLEM_MEDIA_TYPE]: { ...theirs, examples: { ...response.content?.[PROBLEM_MEDIA_TYPE]?.examples, ...theirs.examples } } }
    }
  }
  return merged
}

/** The document's example of one kind of problem: what a client gets, with a typical detail. */
function exampleOf (code: ProblemCode): { summary: string, value: Record<string, unknown> } {
  const { status, title, example } = PROBLEMS[code]
  const issue = EXAMPLE_ISSUES[code]
  const errors = issue === undefined ? {} : { errors: [issue] }
  return {
    summary: title,
    value: { type: problemType(code), title, status, detail: example, instance: '/v1/cases', requestId: 'c0a8012e-7d1f-4b9a-8f3e-5a6b7c8d9e0f', ...errors }
  }
}

/** A problem with one field of the request: names the field (a JSON Pointer) and the rule it breaks. */
export function fieldProblem (code: ProblemCode, pointer: string, rule: string, message: string, where: ValidationIssue['in'] = 'body'): HttpProblem {
  return new HttpProblem(code, `${pointer.slice(1)} ${message}`, { errors: [{ in: where, pointer, code: rule, message }] })
}

/** An update without If-Match (RFC 6585): refused whether the schema or the unit of work finds it missing. */
export const preconditionRequired = (): HttpProblem => new HttpProblem('precondition-required',
  'Send If-Match with the ETag from your last read of this resource, so a concurrent change is not overwritten')
