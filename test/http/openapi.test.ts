import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Validator } from '@seriousme/openapi-schema-validator'
import t from 'tap'
import { enumNames } from '../../src/catalogs/catalogs.js'
import { OPENAPI_FILE, openapiDocument } from '../../src/http/openapi.js'
import { PROBLEMS, problemType, type ProblemCode } from '../../src/http/problems.js'
import { buildTestApp, ROOT } from '../helper.js'

interface Operation {
  operationId?: string
  summary?: string
  description?: string
  tags?: string[]
  security?: unknown
  'x-ffb-scope'?: unknown
  parameters?: Array<{ in: string, name: string, required?: boolean }>
  responses: Record<string, { description: string, content?: Record<string, { schema?: unknown }> }>
}

/** `get /v1/cases/{id}` and its operation, for every operation of the document. */
const operationsOf = (document: { paths: Record<string, Record<string, Operation>> }): Array<readonly [string, Operation]> =>
  Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => [`${method} ${path}`, op] as const))

t.test('the OpenAPI document', async (t) => {
  const app = await buildTestApp(t)

  t.test('committed openapi/openapi.json matches what the code generates (run `npm run openapi`)', async (t) => {
    t.equal(await readFile(OPENAPI_FILE, 'utf8'), await openapiDocument(app))
  })

  t.test('committed openapi/ffb-api.d.ts is what openapi-typescript generates from it (run `npm run openapi`)', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'ffb-api-client-'))
    t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
    const generated = join(dir, 'ffb-api.d.ts')
    const cli = join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js')
    await promisify(execFile)(process.execPath, [cli, OPENAPI_FILE, '--output', generated], { cwd: ROOT })
    t.equal(await readFile(join(ROOT, 'openapi', 'ffb-api.d.ts'), 'utf8'), await readFile(generated, 'utf8'))
  })

  t.test('GET /openapi.json serves a valid OpenAPI 3.1 document', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' })
    t.equal(res.statusCode, 200)
    const document = res.json()
    t.equal(document.openapi, '3.1.0')
    const result = await new Validator().validate(document)
    t.ok(result.valid, JSON.stringify(result.errors))
  })

  t.test('every operation declares a success schema and the problems any route can give', async (t) => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    const operations = operationsOf(document)
    t.ok(operations.length > 0)
    for (const [name, operation] of operations) {
      const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'))
      t.ok(success.length > 0 && success.every(([, r]) => r.content === undefined || Object.values(r.content).every((c) => c.schema !== undefined)),
        `${name} has a success response with a schema`)
      t.ok(operation.responses['500']?.content?.['application/problem+json'], `${name} declares 500 as a problem`)
    }
  })

  t.test('every operation has a unique verbNoun operationId, a description of its own, and declared tags', async (t) => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    const declared = new Set((document.tags as Array<{ name: string, description?: string }>).map((tag) => {
      t.ok(tag.description, `tag ${tag.name} is described`)
      return tag.name
    }))
    const seen = new Map<string, string>()
    for (const [name, operation] of operationsOf(document)) {
      const id = operation.operationId ?? ''
      // A generated client names its methods by these: a rename breaks every vendor's code.
      t.match(id, /^[a-z]+(?:[A-Z][a-z0-9]*)+$/, `${name} has a verbNoun operationId`)
      t.notOk(seen.has(id), `${name}: operationId ${id} is also ${seen.get(id) ?? ''}`)
      seen.set(id, name)
      t.ok(operation.description !== undefined && operation.description !== operation.summary, `${name} has a description beyond its summary`)
      t.ok(operation.tags !== undefined && operation.tags.length > 0 && operation.tags.every((tag) => declared.has(tag)),
        `${name} has tags, each declared at the top with a description`)
    }
  })

  t.test('the public routes say security: [], every other names the bearer scheme and its scope', async (t) => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    const publicPaths = new Set(app.routeTable.filter((route) => route.public).map((route) => route.url))
    for (const [name, operation] of operationsOf(document)) {
      const path = name.split(' ')[1]!
      if (publicPaths.has(path)) {
        t.same(operation.security, [], `${name} is public`)
      } else {
        t.same(operation.security, [{ bearerAuth: [] }], `${name} needs a token`)
        t.type(operation['x-ffb-scope'], 'string', `${name} names its scope`)
      }
    }
  })

  t.test('the problem types are an enum, each with its status, title and an example; each problem response has an example of every kind it lists', async (t) => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    const problem = document.components.schemas.Problem
    const codes = Object.keys(PROBLEMS) as ProblemCode[]
    t.same(problem.properties.type.enum, codes.map(problemType))
    t.same(problem.properties.type['x-enum-descriptions'], codes.map((code) => `${PROBLEMS[code].status} ${PROBLEMS[code].title}`))
    t.same(problem.examples.map((example: { type: string }) => example.type), codes.map(problemType), 'one example of each kind')
    for (const [name, operation] of operationsOf(document)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const media = response.content?.['application/problem+json'] as { examples?: Record<string, { value: { status: number } }> } | undefined
        if (media === undefined) continue
        const kinds = Object.keys(media.examples ?? {}) as ProblemCode[]
        t.same(kinds.map((kind) => PROBLEMS[kind].title).sort(), response.description.split('; ').sort(), `${name} ${status} has an example of each kind`)
        t.ok(kinds.every((kind) => String(PROBLEMS[kind].status) === status), `${name} ${status}: the examples' status`)
      }
    }
  })

  t.test('If-Match is a required header of every update; only the PUT that may create leaves it optional', async (t) => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    const withIfMatch = operationsOf(document).flatMap(([name, operation]) =>
      (operation.parameters ?? []).filter((p) => p.in === 'header' && p.name === 'if-match').map((p) => [operation.operationId, p.required, name] as const))
    t.ok(withIfMatch.length >= 8)
    for (const [id, required, name] of withIfMatch) t.equal(required, id !== 'putAssessment', `${name}: If-Match required`)
  })

  t.test('every code schema pairs each code with its label and a unique identifier for generated code', async (t) => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    const codes = Object.entries(document.components.schemas as Record<string, { enum?: string[], 'x-ffb-catalog'?: string, 'x-enum-varnames'?: string[], 'x-enum-descriptions'?: string[] }>)
      .filter(([, schema]) => schema['x-ffb-catalog'] !== undefined)
    t.ok(codes.length >= 10)
    for (const [name, schema] of codes) {
      const names = schema['x-enum-varnames'] ?? []
      t.equal(schema['x-enum-descriptions']?.length, schema.enum?.length, `${name}: a label per code`)
      t.equal(names.length, schema.enum?.length, `${name}: a name per code`)
      t.equal(new Set(names).size, names.length, `${name}: unique names`)
      t.ok(names.every((n) => /^[A-Z][A-Za-z0-9_]*$/.test(n)), `${name}: identifiers`)
    }
    t.same(enumNames(['Træf afgørelse', 'Træf afgørelse', '0 – Ingen', 'Hjemløshed']), ['TraefAfgoerelse', 'TraefAfgoerelse_2', 'Code0Ingen', 'Hjemloeshed'])
  })

  t.test('GET /docs renders the interactive reference', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/docs/' })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /text\/html/)
    t.match(res.body, /swagger-ui/i)
    const spec = await app.inject({ method: 'GET', url: '/docs/json' })
    t.equal(spec.statusCode, 200)
  })

  t.test('GET /docs and its scripts keep helmet\'s CSP but never upgrade to HTTPS, which a plain-HTTP LAN host lacks', async (t) => {
    for (const url of ['/docs/', '/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-initializer.js']) {
      const res = await app.inject({ method: 'GET', url })
      t.equal(res.statusCode, 200, url)
      t.match(res.headers['content-security-policy'], /default-src 'self'.*script-src 'self'/, url)
      t.notMatch(res.headers['content-security-policy'], /upgrade-insecure-requests/, url)
      t.match(res.headers['strict-transport-security'], /max-age=/, `${url}: HSTS, which browsers ignore over plain HTTP`)
    }
  })

  t.test('GET /docs/json lists each catalog code with its label; /openapi.json keeps the enum and x-enum-descriptions', async (t) => {
    const shown = (await app.inject({ method: 'GET', url: '/docs/json' })).json().components.schemas.MaaltypeCode
    t.match(shown.description, /- `10752a63-00b4-4958-b7f4-9f3a18f74266` Fastholde funktionsevne\n/)
    const contract = (await app.inject({ method: 'GET', url: '/openapi.json' })).json().components.schemas.MaaltypeCode
    t.notMatch(contract.description, /Fastholde/)
    t.same(shown.enum, contract.enum)
  })
})
