/**
 * The load benchmark's baseline: a bare Fastify route doing one plain INSERT
 * into PostgreSQL — no auth, no validation, no audit, no transaction.
 * Usage: DATABASE_URL=… PORT=… node --import=tsx test/bench/bare-server.ts
 */
import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import pg from 'pg'

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
await pool.query('CREATE TABLE IF NOT EXISTS bench_bare (id uuid PRIMARY KEY, body text NOT NULL, at timestamptz NOT NULL DEFAULT now())')
const app = Fastify()
app.get('/health', async () => ({ ok: true }))
app.post('/bare', async (request, reply) => {
  await pool.query('INSERT INTO bench_bare (id, body) VALUES ($1, $2)', [randomUUID(), JSON.stringify(request.body)])
  return await reply.code(201).send({ ok: true })
})
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
console.log('bare server ready')
