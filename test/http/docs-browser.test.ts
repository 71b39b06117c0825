import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { chromium } from 'playwright-core'
import t from 'tap'
import { buildTestApp } from '../helper.js'

/**
 * /docs in a real browser, reached under a name that is not localhost:
 * Chromium treats localhost and 127.0.0.0/8 as secure, so what breaks a
 * docker user on a LAN host over plain HTTP only shows under another name.
 * Needs Chromium (Debian's `chromium`, or CHROMIUM_PATH); skipped without it.
 */
const HOST = 'ffb-docs.test'
const CHROMIUM = findChromium()

/** CHROMIUM_PATH as given (a wrong one fails the test), else `chromium` on PATH. */
function findChromium (): string | undefined {
  const given = process.env.CHROMIUM_PATH
  if (given !== undefined && given !== '') return given
  return (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, 'chromium')).find((file) => {
    try {
      accessSync(file, constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

t.test('GET /docs in headless Chromium, over plain HTTP under a name that is not localhost', {
  skip: CHROMIUM === undefined && 'no Chromium: install Debian\'s chromium or set CHROMIUM_PATH (see test/README.md)'
}, async (t) => {
  const app = await buildTestApp(t)
  const address = new URL(await app.listen({ port: 0, host: '127.0.0.1' }))
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [`--host-resolver-rules=MAP ${HOST} 127.0.0.1`] })
  t.teardown(async () => { await browser.close() })
  const page = await browser.newPage()
  page.setDefaultTimeout(10_000)
  const failures: string[] = []
  page.on('requestfailed', (req) => { failures.push(`${req.url()}: ${req.failure()?.errorText}`) })
  page.on('pageerror', (error) => { failures.push(error.message) })

  await page.goto(`http://${HOST}:${address.port}/docs/`)
  const rendered = await page.locator('.opblock').first().waitFor().then(() => true, () => false)
  t.same(failures, [], 'no request failed and no script error')
  t.ok(rendered, 'the operation list rendered')
  if (!rendered) return
  const operations = page.locator('.opblock')
  const createCase = page.locator('#operations-cases-post_v1_cases')

  t.test('lists the operations', async (t) => {
    const all = await operations.count()
    t.ok(all > 20, `${all} operations listed`)
    t.ok(await createCase.isVisible(), 'POST /v1/cases among them')
  })
})
