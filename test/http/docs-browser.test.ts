import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import t from 'tap'
import { buildTestApp, createTestClient, ROOT } from '../helper.js'
import { findChromium, NO_CHROMIUM } from '../support/chromium.js'

/**
 * /docs in a real browser, reached under a name that is not localhost:
 * Chromium treats localhost and 127.0.0.0/8 as secure, so what breaks a
 * docker user on a LAN host over plain HTTP only shows under another name.
 * Needs Chromium (Debian's `chromium`, or CHROMIUM_PATH); skipped without it.
 * Leaves a screenshot of the last Try it out in .tap/docs.png.
 */
const HOST = 'ffb-docs.test'
const CHROMIUM = findChromium()
const SCREENSHOT_DIR = join(ROOT, '.tap')

t.test('GET /docs in headless Chromium, over plain HTTP under a name that is not localhost', {
  skip: CHROMIUM === undefined && NO_CHROMIUM
}, async (t) => {
  const app = await buildTestApp(t)
  const { token } = await createTestClient(app)
  const address = new URL(await app.listen({ port: 0, host: '127.0.0.1' }))
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [`--host-resolver-rules=MAP ${HOST} 127.0.0.1`] })
  t.teardown(async () => { await browser.close() })
  const page = await browser.newPage()
  // Generous: these waits only guard against a hang. Under the full suite on
  // two cores, loading and first rendering the whole document can pass 10 s
  // (a CI run stopped there, before any subtest).
  page.setDefaultTimeout(60_000)
  page.setDefaultNavigationTimeout(60_000)
  const failures: string[] = []
  page.on('requestfailed', (req) => { failures.push(`${req.url()}: ${req.failure()?.errorText}`) })
  page.on('pageerror', (error) => { failures.push(error.message) })

  await page.goto(`http://${HOST}:${address.port}/docs/`, { waitUntil: 'domcontentloaded' })
  const rendered = await page.locator('.opblock').first().waitFor().then(() => true, () => false)
  t.same(failures, [], 'no request failed and no script error')
  t.ok(rendered, 'the operation list rendered')
  if (!rendered) return
  const operations = page.locator('.opblock')
  const createCase = page.locator('#operations-cases-createCase')

  t.test('lists the operations, and filters them by tag', async (t) => {
    const all = await operations.count()
    t.ok(all > 20, `${all} operations listed`)
    t.ok(await createCase.isVisible(), 'POST /v1/cases among them')
    await page.locator('.operation-filter-input').fill('audit')
    await createCase.waitFor({ state: 'detached' })
    const audit = await operations.count()
    t.ok(audit > 0 && audit < all, `the filter "audit" leaves ${audit} operations`)
    await page.locator('.operation-filter-input').fill('')
    await createCase.waitFor()
  })

  t.test('shows each catalog code with its label', async (t) => {
    const maaltype = page.locator('section.models article[data-json-schema-level="0"]')
      .filter({ has: page.locator('.json-schema-2020-12__title', { hasText: /^Måltype$/ }) })
    await maaltype.locator('.json-schema-2020-12-accordion').first().click()
    const item = maaltype.locator('li', { hasText: '10752a63-00b4-4958-b7f4-9f3a18f74266' })
    t.match(await item.innerText(), /Fastholde funktionsevne/)
  })

  t.test('keeps the authorization across a reload', async (t) => {
    await authorize(page, token)
    await page.reload()
    await createCase.waitFor()
    t.match(await page.locator('.auth-wrapper .authorize').getAttribute('class'), /\blocked\b/)
  })

  t.test('Try it out: POST /v1/cases succeeds twice in a row, each time a new case', async (t) => {
    await createCase.locator('.opblock-summary').click()
    await createCase.locator('.try-out__btn').click()
    const tries = []
    for (let i = 0; i < 2; i++) {
      const response = page.waitForResponse((res) => res.request().method() === 'POST' && new URL(res.url()).pathname === '/v1/cases')
      await createCase.locator('.btn.execute').click()
      const res = await response
      tries.push({ status: res.status(), id: (await res.json() as { id?: string }).id, key: res.request().headers()['idempotency-key'] })
    }
    t.same(tries.map((a) => a.status), [201, 201], JSON.stringify(tries))
    t.not(tries[0]!.id, tries[1]!.id, 'two cases, not one replayed')
    t.not(tries[0]!.key, tries[1]!.key, 'each try sends its own Idempotency-Key')
    await mkdir(SCREENSHOT_DIR, { recursive: true })
    await createCase.locator('.responses-inner').first().scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'docs.png') })
  })
})

async function authorize (page: Page, token: string): Promise<void> {
  await page.locator('.auth-wrapper .authorize').click()
  const dialog = page.locator('.dialog-ux')
  await dialog.locator('input').fill(token)
  await dialog.locator('.modal-btn.authorize').click()
  await dialog.locator('.modal-btn.btn-done').click()
}
