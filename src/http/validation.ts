import type { FastifyInstance, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify'
import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import { Value } from 'typebox/value'
import { CODE_FIELD } from './fields.js'

/**
 * TypeBox's validator, as @fastify/type-provider-typebox's
 * TypeBoxValidatorCompiler, but compiled with the app's shared schemas as
 * context, so a route can reference one by $id (e.g. a catalog's code schema,
 * `Type.Ref('MaaltypeCode')`) and the OpenAPI document shows it once.
 */
export function validatorCompiler (app: FastifyInstance): FastifySchemaCompiler<TSchema> {
  return ({ schema, httpPart }) => {
    const context = app.getSchemas() as Record<string, TSchema>
    // A coded field is checked as the bare code it is turned into (one error, naming the list, for a wrong code).
    const validator = Compile(context, bareCodes(schema) as TSchema)
    const coded = hasCodes(schema)
    return (value: unknown) => {
      // As upstream: only querystring, params and headers are coerced from strings.
      const converted = httpPart === 'body' ? (coded ? toBareCodes(schema, value) : value) : Value.Convert(context, schema, value)
      if (validator.Check(converted)) return { value: converted }
      return { error: validator.Errors(converted) as unknown as FastifySchemaValidationError[] }
    }
  }
}

type Node = Record<string, unknown>
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value)

const hasCodes = (schema: unknown): boolean =>
  Array.isArray(schema) ? schema.some(hasCodes) : isNode(schema) && (CODE_FIELD in schema || Object.values(schema).some(hasCodes))

/** The schema with each coded field (`CodeRef`) as the bare code's schema. */
function bareCodes (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(bareCodes)
  if (!isNode(schema)) return schema
  const list = schema[CODE_FIELD]
  if (typeof list === 'string') return { $ref: list }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, bareCodes(value)]))
}

/**
 * The body with every `{ code }` (or `{ code, label }`) in a coded field
 * replaced by its code, walking the body's schema: properties, items and the
 * branches of a union. Anything else is left for the validator to refuse.
 */
function toBareCodes (schema: unknown, value: unknown): unknown {
  if (!isNode(schema) || !hasCodes(schema)) return value
  if (CODE_FIELD in schema) {
    return isNode(value) && typeof value.code === 'string' && Object.keys(value).every((key) => key === 'code' || key === 'label') ? value.code : value
  }
  for (const branch of [...(schema.anyOf as unknown[] ?? []), ...(schema.oneOf as unknown[] ?? []), ...(schema.allOf as unknown[] ?? [])]) {
    value = toBareCodes(branch, value)
  }
  if (Array.isArray(value) && schema.items !== undefined) return value.map((item) => toBareCodes(schema.items, item))
  if (isNode(value) && isNode(schema.properties)) {
    const properties = schema.properties
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, key in properties ? toBareCodes(properties[key], field) : field]))
  }
  return value
}
