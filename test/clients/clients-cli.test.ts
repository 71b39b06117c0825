import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { findClientByToken } from '../../src/clients/clients.js'
import { createDiskDatabase, exited, SERVER_URL, spawnEntry } from '../helper.js'

t.test('npm run clients -- create | list | rotate | revoke', async (t) => {
  const { env, open } = await createDiskDatabase(t)
  const clients = async (...args: string[]) => await exited(spawnEntry('src/clients/cli.ts', env, args))
  const clientOf = async (token: string) => {
    const database = await open()
    try {
      return await findClientByToken(database.db, token)
    } finally {
      await database.close()
    }
  }
  const TOKEN = /(ffb_[\w-]{43})$/m

  const created = await clients('create', '--name', 'Acme Omsorg', '--municipalities', '101,147', '--scopes', 'cases:read,cases:write')
  t.equal(created.code, 0, created.stderr)
  const id = /^client ([\da-f-]{36}) "Acme Omsorg" created$/m.exec(created.stdout)?.[1]
  const token = TOKEN.exec(created.stdout)?.[1]
  if (id === undefined || token === undefined) return t.fail(`unexpected output: ${created.stdout}`)
  t.same(await clientOf(token), { id, name: 'Acme Omsorg', municipalities: ['101', '147'], scopes: ['cases:read', 'cases:write'] })

  const listed = await clients('list')
  t.equal(listed.code, 0)
  t.match(listed.stdout, new RegExp(`^${id}\\tAcme Omsorg\\t101,147\\tcases:read,cases:write\\tactive tokens: ${token.slice(0, 10)}… \\(never expires, never used\\)$`, 'm'))
  t.notOk(listed.stdout.includes(token), 'a listing never shows a token')

  const rotated = await clients('rotate', id, '--expires-in', '90d')
  t.equal(rotated.code, 0, rotated.stderr)
  const expires = /^the token expires (\S+)$/m.exec(rotated.stdout)?.[1] ?? ''
  t.ok(Math.abs(Date.parse(expires) - Date.now() - 90 * 86_400_000) < 60_000, `a token rotated with --expires-in 90d expires in 90 days: ${expires}`)
  t.match((await clients('list')).stdout, new RegExp(`\\(expires ${expires.replace(/\./g, '\\.')}, never used\\)$`, 'm'))
  const fresh = TOKEN.exec(rotated.stdout)?.[1] ?? ''
  t.equal((await clientOf(fresh))?.id, id, 'the new token works')
  t.equal(await clientOf(token), undefined, 'the old one is revoked')

  const revoked = await clients('revoke', id)
  t.equal(revoked.code, 0, revoked.stderr)
  t.equal(await clientOf(fresh), undefined, 'no token of a revoked client works')
  t.equal((await clients('rotate', id)).code, 2, 'a revoked client cannot be rotated')

  // A Prometheus scraper's client: it reads /metrics and nothing else.
  const scraper = await clients('create', '--name', 'Prometheus', '--all-municipalities', '--scopes', 'metrics:read')
  t.equal(scraper.code, 0, scraper.stderr)
  t.match(await clientOf(TOKEN.exec(scraper.stdout)?.[1] ?? ''), { name: 'Prometheus', municipalities: 'all', scopes: ['metrics:read'] })

  const bad = await clients('create', '--name', 'x', '--municipalities', '1010', '--scopes', 'cases:read')
  t.equal(bad.code, 2)
  t.match(bad.stderr, /kommunekoder are 3 digits, e\.g\. 101: 1010/)
  const unknownScope = await clients('create', '--name', 'x', '--all-municipalities', '--scopes', 'cases:delete')
  t.equal(unknownScope.code, 2)
  t.match(unknownScope.stderr, /unknown scope\(s\) cases:delete/)
  for (const expiresIn of ['0d', 'soon']) {
    const badExpiry = await clients('create', '--name', 'x', '--all-municipalities', '--all-scopes', '--expires-in', expiresIn)
    t.equal(badExpiry.code, 2, expiresIn)
    t.match(badExpiry.stderr, /^--expires-in takes a duration like 90d, 12h or 4w/)
  }
  const notAnId = await clients('revoke', 'acme')
  t.equal(notAnId.code, 2)
  t.match(notAnId.stderr, /^acme is not a CLIENT_ID/)
  const usage = await clients('frobnicate')
  t.equal(usage.code, 2)
  t.match(usage.stderr, /^Usage: npm run clients -- <command>/)
  t.match(usage.stderr, /^Scopes: .*\bmetrics:read\b/m)
})

t.test('on an embedded database a running server holds, the CLI says so and exits 1', { skip: SERVER_URL !== undefined && 'PGlite only' }, async (t) => {
  const dir = join(t.testdir(), 'pglite')
  writeFileSync(`${dir}.lock`, `${process.pid}\n`)
  const { code, stderr } = await exited(spawnEntry('src/clients/cli.ts', { PGLITE_DIR: dir }, ['list']))
  t.equal(code, 1)
  t.equal(stderr, `the embedded database in ${dir} is in use by another process (pid ${process.pid}); ` +
    'PGlite serves one process at a time: stop that process first (the server, `npm run clients`, `npm run demo`), or set PGLITE_DIR to another directory\n')
})
