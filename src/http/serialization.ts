import { SerializerSelector, type SerializerFactory } from '@fastify/fast-json-stringify-compiler'

/**
 * Fastify's own response serializers (fast-json-stringify), built once per
 * distinct schema instead of once per route and status: every route answers
 * its problems with the same `Problem` schema, and building that serializer
 * ~700 times was most of the app's start-up.
 */
export function sharedSerializers (): SerializerFactory {
  const build = SerializerSelector()
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options)
    const built = new Map<string, ReturnType<typeof compile>>()
    return (route) => {
      const key = JSON.stringify(route.schema)
      let serialize = built.get(key)
      if (serialize === undefined) {
        serialize = compile(route)
        built.set(key, serialize)
      }
      return serialize
    }
  }
}
