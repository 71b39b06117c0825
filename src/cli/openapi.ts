import { writeFile } from 'node:fs/promises'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'
import { OPENAPI_FILE, openapiDocument } from '../http/openapi.js'

/** `npm run openapi`: rewrites the committed openapi/openapi.json from the route schemas. */
const database = await openDatabase({ pgliteDir: 'memory://' })
const app = await buildApp({ config: loadConfig({}), database, logger: false })
await writeFile(OPENAPI_FILE, await openapiDocument(app))
await app.close()
process.stdout.write(`wrote ${OPENAPI_FILE}\n`)
