import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { authenticateToken, recordTokenUse, type Authenticated, type Client, type Scope } from '../clients/clients.js'
import { dueForUse } from '../clients/token-cache.js'
import { HttpProblem, withProblems } from './problems.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated API client; set on every route inside `authenticated`. */
    caller: Client
    /** The token that authenticated the request: its id and expiry (never the token). */
    callerToken: Authenticated['token']
  }
  interface FastifyContextConfig {
    /** The scope a client needs for this route ('any': every valid client); every authenticated route declares one. */
    scope?: Scope | 'any'
  }
}

export interface AuthOptions {
  rateLimit: { max: number, timeWindowMs: number }
}

const CHALLENGE = 'Bearer realm="ffb-api"'

/**
 * Registers `routes` behind bearer-token authentication. Everything under
 * /v1 lives here; public routes (/health, /ready, /openapi.json, /docs) are
 * registered outside, so nothing is skipped by matching URLs.
 */
export function authenticated (routes: (app: FastifyInstance) => Promise<void>, options: AuthOptions) {
  return async function authenticatedContext (app: FastifyInstance): Promise<void> {
    app.decorateRequest('caller', null as unknown as Client)
    app.decorateRequest('callerToken', null as unknown as Authenticated['token'])
    app.addHook('onRoute', (route) => {
      if (route.config?.scope === undefined) {
        throw new Error(`${route.method.toString()} ${route.url} is authenticated but declares no config.scope`)
      }
      const schema = route.schema ?? {}
      // The scope is an extension: a bearer scheme has no scopes to list it among (Spectral's oas3-operation-security-defined).
      const extension = { 'x-ffb-scope': route.config.scope }
      route.schema = {
        ...schema,
        ...extension,
        security: [{ bearerAuth: [] }],
        response: withProblems(schema.response, ['unauthorized', 'forbidden', 'too-many-requests'])
      }
    })
    app.addHook('onRequest', async (request) => {
      const { client, token } = await authenticate(request)
      request.caller = client
      request.callerToken = token
      await noteUse(request, token.id)
      const scope = request.routeOptions.config.scope
      if (scope !== undefined && scope !== 'any' && !request.caller.scopes.includes(scope)) {
        throw new HttpProblem('forbidden', `This client lacks the scope ${scope}`)
      }
    })
    await app.register(rateLimit, {
      hook: 'onRequest',
      max: options.rateLimit.max,
      timeWindow: options.rateLimit.timeWindowMs,
      keyGenerator: (request) => request.caller.id,
      onExceeded: (request) => { request.server.metrics.rateLimited(request) },
      errorResponseBuilder: (_request, context) => new HttpProblem('too-many-requests',
        `At most ${context.max} requests per ${context.after}; retry after ${Math.ceil(context.ttl / 1000)} s`)
    })
    await routes(app)
  }
}

async function authenticate (request: FastifyRequest): Promise<Authenticated> {
  const header = request.headers.authorization
  if (header === undefined) {
    throw new HttpProblem('unauthorized', 'Send Authorization: Bearer <token>', { headers: { 'www-authenticate': CHALLENGE } })
  }
  const match = /^Bearer ([\w-]{1,200})$/i.exec(header)
  const found = match?.[1] === undefined ? 'unknown' : await authenticateToken(request.server.database.db, match[1])
  // Which token expired is not said: the answer goes to whoever sent it, and an operator finds it with `clients list`.
  if (found === 'expired') {
    throw new HttpProblem('unauthorized', 'The bearer token has expired; ask the operator for a new one',
      { headers: { 'www-authenticate': `${CHALLENGE}, error="invalid_token", error_description="The token has expired"` } })
  }
  if (found === 'unknown') {
    throw new HttpProblem('unauthorized', 'The bearer token is unknown or revoked',
      { headers: { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` } })
  }
  return found
}

/**
 * Records the token's last use (last_used_at) at most once a minute per token:
 * `clients list` and GET /v1/me show it. A failure to record it is logged,
 * and the request goes on.
 */
async function noteUse (request: FastifyRequest, tokenId: string): Promise<void> {
  const db = request.server.database.db
  if (!dueForUse(db, tokenId)) return
  await recordTokenUse(db, tokenId).catch((error: unknown) => { request.log.warn({ err: error }, 'could not record the token\'s last use') })
}
