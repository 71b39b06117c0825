import type { FastifyServerOptions } from 'fastify'
import pino, { type DestinationStream, type LoggerOptions } from 'pino'
import type { LogLevel } from './config.js'

/**
 * pino options shared by the server and the tests. CPR numbers must never
 * reach a log: known fields are redacted, and anything that looks like a CPR
 * number in a URL, an error or a message is masked as a last line of defence.
 */
const CPR_LIKE = /(?<![\w-])\d{6}(?:-|%2[dD])?\d{4}(?![\w-])/g
export const maskCpr = (text: string): string => text.replace(CPR_LIKE, '[cpr]')
export const containsCpr = (text: string): boolean => maskCpr(text) !== text

/** Decodes each path segment, query key and value on its own, so one bad escape does not hide the rest. */
export function decodeUrlParts (url: string): string {
  return url.split(/([/?&=;+])/).map((part) => {
    try {
      return decodeURIComponent(part)
    } catch {
      return part
    }
  }).join('')
}

/** A URL fit for a log: CPR-shaped values masked, also when percent-encoded. */
export const maskUrl = (url: string): string => {
  const decoded = decodeUrlParts(url)
  return containsCpr(decoded) ? maskCpr(decoded) : url
}

/** Masks CPR-like text in every string of plain objects and arrays (errors have their own serializer). */
function maskDeep (value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskCpr(value)
  if (depth > 8 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1))
  const prototype: unknown = Object.getPrototypeOf(value)
  // Plain objects, including the null-prototype ones fastify uses for query and params.
  if (prototype !== Object.prototype && prototype !== null) return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskDeep(item, depth + 1)]))
}

export function loggerOptions (level: LogLevel, stream?: DestinationStream): NonNullable<FastifyServerOptions['logger']> {
  const options: LoggerOptions = {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'cpr', '*.cpr', '*.*.cpr', '*.*.*.cpr'
      ],
      censor: '[redacted]'
    },
    serializers: {
      req: (req: { method: string, url: string, headers: Record<string, unknown>, ip?: string }) => ({
        method: req.method,
        url: maskUrl(req.url),
        userAgent: req.headers['user-agent'],
        remoteAddress: req.ip
      }),
      err: (err: Error) => {
        const serialized = pino.stdSerializers.err(err)
        for (const key of ['message', 'stack', 'detail'] as const) {
          const value: unknown = serialized[key]
          if (typeof value === 'string') serialized[key] = maskCpr(value)
        }
        return serialized
      }
    },
    formatters: {
      log: (object) => maskDeep(object) as Record<string, unknown>
    },
    hooks: {
      logMethod (args, method) {
        method.apply(this, args.map((arg: unknown) => typeof arg === 'string' ? maskCpr(arg) : arg) as Parameters<typeof method>)
      }
    }
  }
  return stream === undefined ? options : { ...options, stream }
}
