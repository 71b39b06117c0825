import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * `Cache-Control: no-store` on every answer unless its route chose a policy
 * for its own success: citizen data, the problems that may echo a request,
 * the export streams and unknown URLs must never sit in a browser's, a
 * proxy's or a vendor gateway's cache. Only the catalogs (public
 * classifications, `sendCached`) and the API description's static files set
 * their own, and an error never keeps it.
 */
export const noStorePlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onSend', async (_request, reply) => {
    if (reply.statusCode >= 400 || !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
  })
}, { name: 'no-store' })
