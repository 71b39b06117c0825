import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { SCOPES, tokenUse } from './clients.js'

export const Me = Type.Object({
  client: Type.Object({
    id: Type.String({ format: 'uuid' }),
    name: Type.String({ examples: ['Acme Omsorg'] })
  }, { description: 'The API client the token belongs to' }),
  scopes: Type.Array(Type.Union(SCOPES.map((scope) => Type.Literal(scope))), { description: 'What the token may do; each operation names the scope it needs in x-ffb-scope' }),
  municipalities: Type.Union([Type.Array(Type.String({ pattern: '^[0-9]{3}$' })), Type.Literal('all')], {
    description: 'The kommunekoder whose data the token may reach, or "all"'
  }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When the token stops working; null: it does not expire' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When the token last authenticated a request, recorded at most once a minute: to the minute, this request included'
  })
}, {
  $id: 'Me',
  description: 'The calling client and what its token may do; never the token itself',
  examples: [{
    client: { id: '3f0c6a52-8f7e-4d0a-9a51-0c0b8d1e2f34', name: 'Acme Omsorg' },
    scopes: ['cases:read', 'cases:write'],
    municipalities: ['101', '147'],
    expiresAt: '2027-03-05T12:00:00.000Z',
    lastUsedAt: '2026-12-05T09:41:07.312Z'
  }]
})

/** GET /v1/me: what the caller's token may do, so a vendor can check its setup without trying routes. */
export const clientRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/me', {
    config: { scope: 'any' },
    schema: {
      tags: ['clients'],
      operationId: 'getMe',
      summary: 'The calling client, its scopes and municipalities, and its token\'s expiry',
      description: 'Any valid token, no scope needed. Answers the client the token belongs to, the scopes it has, the municipalities it ' +
        'serves, when the token expires (null: never) and when it was last used (to the minute). Never the token or its hash; ' +
        'not stored by caches (Cache-Control: no-store). An expired token is a 401 saying so.',
      response: { 200: Type.Ref('Me') }
    }
  }, async (request, reply) => {
    const { caller, callerToken } = request
    // The token was valid a moment ago; revoked since, it has no row to read: what authentication saw then.
    const use = await tokenUse(app.database.db, callerToken.id)
    const expiresAt = use?.expiresAt ?? callerToken.expiresAt
    reply.header('cache-control', 'no-store')
    return {
      client: { id: caller.id, name: caller.name },
      scopes: [...caller.scopes],
      municipalities: caller.municipalities === 'all' ? 'all' as const : [...caller.municipalities],
      expiresAt: expiresAt === null ? null : expiresAt.toISOString(),
      lastUsedAt: use?.lastUsedAt == null ? null : use.lastUsedAt.toISOString()
    }
  })
}
