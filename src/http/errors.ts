import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isDatabaseUnavailable } from '../db/unavailable.js'
import { recordRefusal } from './audit.js'
import { containsCpr, decodeUrlParts, maskCpr, maskUrl } from '../logger.js'
import {
  HttpProblem, PROBLEM_MEDIA_TYPE, PROBLEMS, Problem, preconditionRequired, problemType, withProblems,
  type ProblemCode, type ValidationIssue
} from './problems.js'

/**
 * Every error leaves as a problem document: schema violations, unreadable
 * bodies, unknown routes and methods, and anything unexpected (500, details
 * only in the log). Also documents on each route the problems any route can
 * give, so the OpenAPI document declares every status we may answer with.
 */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.addSchema(Problem)
  app.addHook('onRoute', (route) => {
    const schema = route.schema ?? {}
    if (schema.hide === true) return
    const codes: ProblemCode[] = ['cpr-in-url', 'internal', 'unavailable']
    if (schema.body !== undefined) codes.push('malformed-request', 'payload-too-large', 'unsupported-media-type')
    if (schema.body !== undefined || schema.querystring !== undefined || schema.params !== undefined ||
      schema.headers !== undefined) codes.push('validation')
    // A change to something that exists (its URL names it): the database refuses it once its case was anonymised (migration 0017).
    if (CHANGES.has(route.config?.audit?.action ?? '') && route.url.includes(':')) codes.push('anonymised')
    route.schema = { ...schema, response: withProblems(schema.response, codes) }
  })
  // A CPR number in a URL ends up in proxies' and browsers' logs; refuse it
  // everywhere, so a vendor finds out on the first call (search goes in a body).
  app.addHook('onRequest', async (request) => {
    if (containsCpr(decodeUrlParts(request.url))) {
      throw new HttpProblem('cpr-in-url', 'The URL contains what looks like a CPR number; send it in the request body')
    }
  })
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const problem = toProblem(error, request)
    await recordRefusal(request, problem.status)
    sendProblem(request, reply, problem)
  })
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/'
    const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }) !== null)
    sendProblem(request, reply, allowed.length === 0
      ? new HttpProblem('not-found', `No resource at ${maskUrl(path)}`)
      : new HttpProblem('method-not-allowed', `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`,
        { headers: { allow: allowed.join(', ') } }))
  })
}, { name: 'errors' })

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
const CHANGES: ReadonlySet<string> = new Set(['create', 'update', 'annul', 'delete'])

/** SQLSTATE of the trigger that refuses a change to an anonymised case (migration 0017); its message names the case and the rule. */
export const ANONYMISED_SQLSTATE = 'FFB01'

const PART: Record<string, ValidationIssue['in']> = {
  body: 'body', querystring: 'query', params: 'path', headers: 'header'
}

/** For fastify's framework errors (bad URLs), which reach no route. */
export function sendError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(request, reply, toProblem(error, request))
}

function toProblem (error: FastifyError, request: FastifyRequest): HttpProblem {
  if (error instanceof HttpProblem) return error
  if (error.validation !== undefined) {
    const part = PART[error.validationContext ?? 'body'] ?? 'body'
    const errors = toIssues(error.validation, part, (allowed, pointer) =>
      request.server.catalogs?.explainRefusal(allowed, valueAt(partOf(request, error.validationContext), pointer)))
    // The schema marks If-Match required, so a client knows; its absence is still a 428 (RFC 6585), not a 400.
    if (errors.length > 0 && errors.every((issue) => issue.in === 'header' && issue.pointer === '/if-match' && issue.code === 'required')) {
      return preconditionRequired()
    }
    return new HttpProblem('validation', `${errors.length} schema violation(s) in the request ${part}`, { errors })
  }
  const status = error.statusCode ?? 500
  if (status === 413) return new HttpProblem('payload-too-large', error.message)
  if (status === 415) return new HttpProblem('unsupported-media-type', `Unsupported content type: ${request.headers['content-type'] ?? 'none'}; send application/json`)
  if (status === 400) return new HttpProblem('malformed-request', error.message)
  // PostgreSQL refuses some text (a NUL byte, invalid encoding) and some dates: the input's fault, not ours.
  if (['22021', '22P05'].includes(String((error as { code?: unknown }).code))) {
    return new HttpProblem('malformed-request', 'The request contains characters the database cannot store (e.g. a NUL byte)')
  }
  if (['22007', '22008', '22009'].includes(String((error as { code?: unknown }).code))) {
    return new HttpProblem('malformed-request', 'The request contains a date or time the database cannot store')
  }
  if (String((error as { code?: unknown }).code) === ANONYMISED_SQLSTATE) return new HttpProblem('anonymised', error.message)
  // A unique constraint another request won the race for (checked first, so this is rare).
  if (String((error as { code?: unknown }).code) === '23505') {
    return new HttpProblem('conflict', 'The resource already exists (another request created it at the same time); read it and retry')
  }
  if (isDatabaseUnavailable(error)) {
    request.log.error({ err: error }, 'database unavailable')
    return new HttpProblem('unavailable', 'The database is not reachable; retry shortly', { headers: { 'retry-after': '5' } })
  }
  const known = (Object.keys(PROBLEMS) as ProblemCode[]).find((code) => PROBLEMS[code].status === status)
  if (status < 500 && known !== undefined) return new HttpProblem(known, error.message)
  request.log.error({ err: error }, 'unexpected error')
  return new HttpProblem('internal', 'An unexpected error occurred; quote the request id when reporting it')
}

interface SchemaError {
  keyword: string
  instancePath: string
  schemaPath: string
  params: Record<string, unknown>
  message?: string
}

/** One issue per offending field: missing and unknown properties get their own pointer. */
function toIssues (
  validation: FastifyError['validation'], part: ValidationIssue['in'],
  explainEnum: (allowed: unknown[], pointer: string) => string | undefined
): ValidationIssue[] {
  const issues = new Map<string, ValidationIssue>()
  const add = (pointer: string, code: string, message: string): void => {
    issues.set(`${pointer} ${code}`, { in: part, pointer, code, message })
  }
  for (const error of (validation ?? []) as unknown as SchemaError[]) {
    const names = (key: string): string[] => (error.params[key] as string[] | undefined) ?? []
    if (error.keyword === 'required') {
      for (const name of names('requiredProperties')) add(`${error.instancePath}/${escape(name)}`, 'required', 'is required')
    } else if (error.keyword === 'additionalProperties') {
      for (const name of names('additionalProperties')) add(`${error.instancePath}/${escape(name)}`, 'additionalProperties', 'is not an allowed property')
    } else if (error.keyword === 'enum') {
      // A catalog code field: name the list, and the list the value is from.
      add(error.instancePath, 'enum', explainEnum(names('allowedValues'), error.instancePath) ?? error.message ?? 'enum')
    } else if (!(error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties'))) {
      add(error.instancePath, error.keyword, error.message ?? error.keyword)
    }
  }
  return [...issues.values()]
}

const partOf = (request: FastifyRequest, context: FastifyError['validationContext']): unknown =>
  context === 'querystring' ? request.query : context === 'params' ? request.params : context === 'headers' ? request.headers : request.body

/** The value at a JSON Pointer, if any. */
function valueAt (root: unknown, pointer: string): unknown {
  let value = root
  for (const token of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[token.replaceAll('~1', '/').replaceAll('~0', '~')]
  }
  return value
}

/** RFC 6901 escaping of one reference token. */
const escape = (token: string): string => token.replaceAll('~', '~0').replaceAll('/', '~1')

export function sendProblem (request: FastifyRequest, reply: FastifyReply, problem: HttpProblem): void {
  const body: Problem = {
    type: problemType(problem.code),
    title: PROBLEMS[problem.code].title,
    status: problem.status,
    detail: maskCpr(problem.message),
    instance: maskUrl(request.url.split('?', 1)[0] ?? '/'),
    requestId: request.id,
    ...(problem.extra.errors === undefined ? {} : { errors: problem.extra.errors })
  }
  if (problem.status < 500) request.log.info({ problem: problem.code, status: problem.status }, 'request rejected')
  // A problem may echo the request (and fastify's framework errors skip the onSend hooks): never stored (cache-control.ts).
  reply.code(problem.status).headers({ ...problem.extra.headers, 'cache-control': 'no-store' }).type(PROBLEM_MEDIA_TYPE).send(body)
}
