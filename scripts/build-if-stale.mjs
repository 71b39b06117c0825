// `npm start` and `npm run dev` run this first: it builds dist/ only when it
// is missing or older than src/ (or the build's config), so a fresh dist
// costs a few file stats instead of a TypeScript run (7–40 s on a busy machine).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const builtInfo = join(root, 'dist', '.tsbuildinfo')
const builtAt = existsSync(builtInfo) ? statSync(builtInfo).mtimeMs : 0

// Directories count too: deleting or renaming a file changes its folder's time.
const sources = [
  'src',
  ...readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).map((file) => join('src', file)),
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json'
]
const newer = sources.find((file) => statSync(join(root, file)).mtimeMs > builtAt)

if (newer !== undefined) {
  process.stderr.write(builtAt === 0 ? 'building dist/ (none yet)…\n' : `building dist/ (${newer} changed)…\n`)
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  const { status } = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' })
  if (status !== 0) process.exit(status ?? 1)
  // tsc leaves its build info alone when no output changed (a file saved as it was): mark dist/ as current.
  const now = new Date()
  utimesSync(builtInfo, now, now)
}
