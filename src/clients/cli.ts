import { parseArgs } from 'node:util'
import Type from 'typebox'
import { Value } from 'typebox/value'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { migrate } from '../db/migrate.js'
import { DatabaseLockedError } from '../db/pglite-lock.js'
import {
  ClientInputError, createClient, expiryOf, listClients, revokeClient, rotateToken, SCOPES, validateClient, type ClientListing, type Scope
} from './clients.js'

/**
 * `npm run clients -- <command>`: manage API clients on the configured
 * database (DATABASE_URL, or the embedded PGlite in PGLITE_DIR — stop the
 * server first, PGlite allows one process at a time; a running one holds
 * its lock). In the Docker image: `docker compose run --rm api clients …`.
 */
// The Docker image's entrypoint names its own way in (docker-entrypoint.sh).
const USAGE = `Usage: ${process.env.FFB_CLIENTS_COMMAND ?? 'npm run clients --'} <command>
  create --name NAME (--municipalities 101,147 | --all-municipalities) (--scopes a,b | --all-scopes) [--expires-in 90d]
  list                          clients, their active tokens, each token's expiry and last use
  revoke CLIENT_ID              revoke the client and all its tokens
  rotate CLIENT_ID [--keep-old] [--expires-in 90d]
                                issue a new token; old tokens are revoked unless --keep-old
--expires-in: the new token stops working after this long (h, d or w: 12h, 90d, 4w); without it, never.
Scopes: ${SCOPES.join(', ')}`

// The same check as the API's path ids.
const ClientId = Type.String({ format: 'uuid' })
const list = (value: string | undefined): string[] => (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    municipalities: { type: 'string' },
    'all-municipalities': { type: 'boolean', default: false },
    scopes: { type: 'string' },
    'all-scopes': { type: 'boolean', default: false },
    'keep-old': { type: 'boolean', default: false },
    'expires-in': { type: 'string' }
  }
})
const [command, id] = positionals
const out = (text: string): void => { process.stdout.write(`${text}\n`) }
const fail = (text: string): never => {
  process.stderr.write(`${text}\n`)
  process.exit(2)
}

if (command === undefined || !['create', 'list', 'revoke', 'rotate'].includes(command)) fail(USAGE)
if ((command === 'revoke' || command === 'rotate') && id === undefined) fail(`${command} needs a CLIENT_ID\n\n${USAGE}`)
if (id !== undefined && !Value.Check(ClientId, id)) fail(`${String(id)} is not a CLIENT_ID (a UUID, as \`list\` shows)`)

const input = {
  name: values.name ?? '',
  municipalities: values['all-municipalities'] ? 'all' as const : list(values.municipalities),
  scopes: (values['all-scopes'] ? [...SCOPES] : list(values.scopes)) as Scope[]
}
// Bad input is refused before the database is opened (or migrated).
let expiresAt: Date | null = null
try {
  if (command === 'create') validateClient(input)
  if (values['expires-in'] !== undefined) {
    if (command !== 'create' && command !== 'rotate') throw new ClientInputError(`--expires-in is for create and rotate, not ${command}`)
    expiresAt = expiryOf(values['expires-in'])
  }
} catch (error) {
  if (!(error instanceof ClientInputError)) throw error
  fail(`${error.message}\n\n${USAGE}`)
}

const expiry = (at: Date | null): string => at === null ? 'never expires' : `expires ${at.toISOString()}`
/** One active token, as `list` shows it: its first characters, expiry and last use (to the minute). */
const describe = (t: ClientListing['tokens'][number]): string =>
  `${t.prefix}… (${t.expiresAt !== null && t.expiresAt <= new Date() ? `expired ${t.expiresAt.toISOString()}` : expiry(t.expiresAt)}, ` +
  `${t.lastUsedAt === null ? 'never used' : `last used ${t.lastUsedAt.toISOString()}`})`

const config = loadConfig()
const database = await openDatabase(config.databaseUrl === undefined ? { pgliteDir: config.pgliteDir } : { databaseUrl: config.databaseUrl })
  .catch((error: unknown) => {
    // The embedded database held by a running server, say: the reason, not a stack.
    if (!(error instanceof DatabaseLockedError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  })
try {
  await migrate(database)
  const db = database.db
  if (command === 'create') {
    const { client, token } = await createClient(db, input, { expiresAt })
    out(`client ${client.id} "${client.name}" created`)
    out(`token (shown once, store it now): ${token}`)
    out(`the token ${expiry(expiresAt)}`)
  } else if (command === 'list') {
    for (const client of await listClients(db)) {
      const active = client.tokens.filter((t) => t.revokedAt === null).map(describe)
      out([
        client.id,
        client.name,
        client.municipalities === 'all' ? 'all municipalities' : client.municipalities.join(','),
        client.scopes.join(','),
        client.revokedAt === null ? `active tokens: ${active.join(', ') || 'none'}` : `revoked ${client.revokedAt.toISOString()}`
      ].join('\t'))
    }
  } else if (command === 'revoke') {
    if (!await revokeClient(db, id!)) fail(`no active client ${id}`)
    out(`client ${id} and its tokens revoked`)
  } else {
    const token = await rotateToken(db, id!, { keepOld: values['keep-old'], expiresAt })
    if (token === undefined) fail(`no active client ${id}`)
    out(`new token for ${id} (shown once, store it now): ${token}`)
    out(`the token ${expiry(expiresAt)}`)
    out(values['keep-old'] ? 'older tokens stay valid until you revoke the client or rotate again' : 'older tokens are revoked')
  }
} finally {
  await database.close()
}
