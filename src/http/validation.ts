import type { FastifyInstance, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify'
import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import { Value } from 'typebox/value'

/**
 * TypeBox's validator, as @fastify/type-provider-typebox's
 * TypeBoxValidatorCompiler, but compiled with the app's shared schemas as
 * context, so a route can reference one by $id (e.g. a catalog's code schema,
 * `Type.Ref('MaaltypeCode')`) and the OpenAPI document shows it once.
 */
export function validatorCompiler (app: FastifyInstance): FastifySchemaCompiler<TSchema> {
  return ({ schema, httpPart }) => {
    const context = app.getSchemas() as Record<string, TSchema>
    const validator = Compile(context, schema)
    return (value: unknown) => {
      // As upstream: only querystring, params and headers are coerced from strings.
      const converted = httpPart === 'body' ? value : Value.Convert(context, schema, value)
      if (validator.Check(converted)) return { value: converted }
      return { error: validator.Errors(converted) as unknown as FastifySchemaValidationError[] }
    }
  }
}
