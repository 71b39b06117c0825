import { sql } from 'kysely'
import fc from 'fast-check'
import t, { type Test } from 'tap'
import { Contract } from '../support/contract.js'
import { recordCitizenX, followUpCitizenX } from '../support/flow.js'
import { buildTestApp, createTestClient } from '../helper.js'

/**
 * Contract fuzzing from our own OpenAPI document: for every operation, valid
 * requests generated from its schemas and invalid ones made by mutating
 * them. Properties: never a 5xx; every status and content type is declared
 * for the operation; every JSON body validates against its declared schema;
 * every invalid request is refused with a problem document; and a refused
 * write leaves every table unchanged. FUZZ_RUNS=n for longer runs.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 4)

type Schema = Record<string, unknown>
interface Operation {
  method: string
  path: string
  parameters?: Array<{ in: string, name: string, required?: boolean, schema: Schema }>
  requestBody?: { content: Record<string, { schema: Schema }> }
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>
}

t.test('contract fuzzing', async (t) => {
  const app = await buildTestApp(t, { config: { rateLimitMax: 1_000_000, kombitOrganisations: new Map([['101', 'd4e3f4fb-6761-4d6c-9086-74c49231f11e']]) } })
  const { headers } = await createTestClient(app)
  const document = app.swagger() as unknown as { paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>, components: { schemas: Record<string, Schema> } }
  const schemas = document.components.schemas

  // Real resources, so generated requests reach past the 404s.
  const x = await recordCitizenX(app, headers)
  const followUp = await followUpCitizenX(app, headers, x)
  const y = await recordCitizenX(app, headers)
  const ids = [x.caseUrl.split('/').at(-1)!, x.goalId, x.decisionId, x.interventionId, followUp.id, y.decisionId, y.goalId, y.caseUrl.split('/').at(-1)!]

  const resolve = (schema: Schema): Schema => {
    const ref = schema.$ref as string | undefined
    return ref === undefined ? schema : resolve(schemas[ref.split('/').at(-1)!]!)
  }

  /** Values that match a schema. */
  const arbitrary = (raw: Schema, name = ''): fc.Arbitrary<unknown> => {
    const schema = resolve(raw)
    if (schema.const !== undefined) return fc.constant(schema.const)
    if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]))
    const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined
    if (union !== undefined) return fc.oneof(...union.map((s) => arbitrary(s, name)))
    switch (schema.type) {
      case 'object': {
        const properties = (schema.properties ?? {}) as Record<string, Schema>
        const required = (schema.required ?? []) as string[]
        return fc.record(Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, arbitrary(s, key)])),
          { requiredKeys: required.filter((key) => key in properties) })
      }
      case 'array': {
        const items = arbitrary(schema.items as Schema, name)
        const constraints = { minLength: (schema.minItems as number | undefined) ?? 0, maxLength: Math.min((schema.maxItems as number | undefined) ?? 3, 3) }
        return schema.uniqueItems === true ? fc.uniqueArray(items, { ...constraints, selector: (v) => JSON.stringify(v) }) : fc.array(items, constraints)
      }
      case 'integer': return fc.integer({ min: (schema.minimum as number | undefined) ?? -10, max: (schema.maximum as number | undefined) ?? 1000 })
      case 'number': return fc.double({ noNaN: true })
      case 'boolean': return fc.boolean()
      case 'null': return fc.constant(null)
      case 'string': {
        if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...ids), fc.uuid())
        if (schema.format === 'date') return fc.date({ min: new Date('2023-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
        if (schema.format === 'date-time') return fc.date({ min: new Date('2023-01-01'), max: new Date(), noInvalidDate: true }).map((d) => d.toISOString())
        if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= ((schema.maxLength as number | undefined) ?? 1000))
        return fc.string({ minLength: (schema.minLength as number | undefined) ?? 0, maxLength: Math.min((schema.maxLength as number | undefined) ?? 40, 40) })
      }
      default: return fc.anything()
    }
  }

  /** Ways to break a valid body: each must be refused. */
  const breakBody = (body: Record<string, unknown>, schema: Schema): fc.Arbitrary<{ how: string, body: unknown, contentType?: string }> => {
    const resolved = resolve(schema)
    const required = (resolved.required ?? []) as string[]
    const keys = Object.keys((resolved.properties ?? {}))
    const mutations: Array<fc.Arbitrary<{ how: string, body: unknown, contentType?: string }>> = [
      fc.constant({ how: 'an unknown property', body: { ...body, unknownProperty: 1 } }),
      fc.constantFrom('a string', 42, null, [], true).map((value) => ({ how: 'not an object', body: value })),
      fc.constant({ how: 'the wrong content type', body: JSON.stringify(body), contentType: 'text/plain' })
    ]
    if (required.length > 0) {
      mutations.push(fc.constantFrom(...required).map((key) => {
        const { [key]: _, ...rest } = body
        return { how: `without ${key}`, body: rest }
      }))
    }
    if (keys.length > 0) {
      mutations.push(fc.tuple(fc.constantFrom(...keys), fc.oneof(
        fc.constant({ nested: true }), fc.constant([[1]]), fc.constant(-1.5), fc.constant('x'.repeat(20_001)),
        fc.constant('not-a-code-\u0000\uD83D\uDE00\u202E'), fc.constant('2023-02-30T25:61:00Z')
      )).filter(([key, value]) => !matches(resolved, key, value)).map(([key, value]) => ({ how: `${key} = ${JSON.stringify(value).slice(0, 40)}`, body: { ...body, [key]: value } })))
    }
    return fc.oneof(...mutations)
  }

  const contract = new Contract(document)
  const validatorOf = (schema: Schema) => contract.validatorOf(schema)
  /** Whether a value would pass a property's schema (a mutation that does is no mutation). */
  function matches (object: Schema, key: string, value: unknown): boolean {
    const property = ((object.properties ?? {}) as Record<string, Schema>)[key]
    return property !== undefined && validatorOf(property)(value)
  }

  const snapshot = async (): Promise<string> => {
    const tables = ['cases', 'theme_registrations', 'assessments', 'goals', 'decisions', 'decision_goals', 'stoettebehov', 'interventions',
      'intervention_ydelser', 'delmaal', 'notes', 'follow_ups', 'follow_up_goals', 'idempotency_keys']
    const counts = await sql<{ n: string }>`SELECT concat_ws(',', ${sql.join(tables.map((table) => sql`(SELECT count(*) FROM ${sql.table(table)})`))}) AS n`.execute(app.database.db)
    const changed = await sql<{ v: string }>`SELECT concat_ws(',', (SELECT sum(version) FROM cases), (SELECT max(changed_at) FROM cases),
      (SELECT sum(version) FROM assessments), (SELECT sum(version) FROM delmaal), (SELECT max(changed_at) FROM decisions)) AS v`.execute(app.database.db)
    return `${counts.rows[0]!.n} ${changed.rows[0]!.v}`
  }

  const operations: Operation[] = Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ ...operation, method: method.toUpperCase(), path })))
  t.ok(operations.length > 40, `${operations.length} operations`)

  const send = async (operation: Operation, request: { params: Record<string, unknown>, query: Record<string, unknown>, body?: unknown, contentType?: string, extra?: Record<string, string> }) => {
    const url = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(request.params[name])))
    const query = new URLSearchParams(Object.entries(request.query).map(([k, v]): [string, string] => [k, String(v)])).toString()
    const payload = request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body)
    const type = payload === undefined ? {} : { 'content-type': request.contentType ?? 'application/json' }
    return await app.inject({ method: operation.method as 'GET', url: query === '' ? url : `${url}?${query}`, headers: { ...headers, ...type, ...request.extra }, payload })
  }

  /** What is wrong with an answer, or null when it keeps the contract. */
  const breach = (operation: Operation, res: Awaited<ReturnType<typeof send>>): string | null =>
    contract.breachOf(operation, { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.body })

  /** Runs a property; on failure one assertion names the last breach and the counterexample. */
  const check = async <T>(t: Test, property: fc.IAsyncPropertyWithHooks<[T]>, found: { last: string }) => {
    try {
      await fc.assert(property, { numRuns: RUNS })
      t.pass('kept the contract')
    } catch (error) {
      t.fail(`${found.last}\n${(error as Error).message.split('\n').slice(0, 2).join(' ')}`)
    }
  }

  for (const operation of operations) {
    const parameters = operation.parameters ?? []
    const paramsArb = fc.record(Object.fromEntries(parameters.filter((p) => p.in === 'path').map((p) => [p.name, arbitrary(p.schema, p.name)])))
    const queryArb = fc.record(Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, arbitrary(p.schema, p.name)])), { requiredKeys: [] })
    const bodySchema = operation.requestBody?.content['application/json']?.schema
    const bodyArb = bodySchema === undefined ? fc.constant(undefined) : arbitrary(bodySchema)
    const keyArb = fc.option(fc.uuid().map((u) => ({ 'idempotency-key': `"${u}"` })), { nil: undefined })
    const label = `${operation.method} ${operation.path}`
    const isWrite = operation.method !== 'GET' && !operation.path.endsWith('/search')

    t.test(`${label}: valid requests get declared answers`, async (t) => {
      const found = { last: '' }
      const request = fc.record({ params: paramsArb, query: queryArb, body: bodyArb, extra: keyArb })
      await check(t, fc.asyncProperty(request, async (request) => {
        const problem = breach(operation, await send(operation, request))
        if (problem !== null) found.last = `${label}: ${problem}`
        return problem === null
      }), found)
    })

    if (bodySchema !== undefined) {
      t.test(`${label}: broken requests are refused with a problem and change nothing`, async (t) => {
        const broken = fc.tuple(paramsArb, queryArb, bodyArb).chain(([params, query, body]) =>
          breakBody((body ?? {}) as Record<string, unknown>, bodySchema).map((mutation) => ({ params, query, ...mutation })))
        const found = { last: '' }
        await check(t, fc.asyncProperty(broken, async (request) => {
          const before = isWrite ? await snapshot() : ''
          const res = await send(operation, request)
          const problem = breach(operation, res) ??
            (res.statusCode < 400 ? `answered ${res.statusCode}` : null) ??
            (String(res.headers['content-type'] ?? '').startsWith('application/problem+json') ? null : 'not a problem document') ??
            (isWrite && await snapshot() !== before ? 'a refused write changed the database' : null)
          if (problem !== null) found.last = `${label} with ${request.how}: ${problem}`
          return problem === null
        }), found)
      })
    }
  }
})
