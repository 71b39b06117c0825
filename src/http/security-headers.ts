import type { IncomingMessage, ServerResponse } from 'node:http'
import helmet from 'helmet'

/**
 * Helmet's security headers (Content-Security-Policy,
 * Strict-Transport-Security, X-Content-Type-Options, …), computed once at
 * start. @fastify/helmet, used before, built helmet's middleware anew for
 * every request: about 5 % of a write's CPU for the same headers.
 *
 * The one change to helmet's defaults: no CSP `upgrade-insecure-requests`.
 * The server speaks plain HTTP (HTTPS comes from a proxy in front, which it
 * cannot see), and a browser that opens /docs on a LAN address over HTTP
 * would fetch the page's scripts over HTTPS and render nothing. Pages served
 * over HTTPS load only same-origin relative URLs, so it upgraded nothing
 * there. Strict-Transport-Security stays: browsers ignore it over plain HTTP
 * (RFC 6797 §8.1) and keep honouring it behind a TLS proxy.
 */
export function securityHeaders (): Record<string, string> {
  const headers = new Map<string, string>()
  const response = {
    setHeader: (name: string, value: string | number) => { headers.set(name.toLowerCase(), String(value)) },
    removeHeader: (name: string) => { headers.delete(name.toLowerCase()) }
  }
  // These options read nothing from the request and answer synchronously.
  helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } })(
    {} as IncomingMessage, response as unknown as ServerResponse, () => {})
  return Object.fromEntries(headers)
}
