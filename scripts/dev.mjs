// `npm run dev`: TypeScript rebuilds dist/ on every change under src/
// (tsc --watch, incremental), and node restarts the server whenever dist/
// changes. Ctrl-C (or SIGTERM) stops both. Arguments go to the server
// (`npm run dev -- --demo`).
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const children = [
  spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], { cwd: root, stdio: 'inherit' }),
  spawn(process.execPath, ['--watch-path=dist', 'dist/server.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
]
let stopping = false
const stop = (code) => {
  if (stopping) return
  stopping = true
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  process.exitCode = code
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { stop(0) })
for (const child of children) child.on('exit', (code) => { stop(code ?? 0) })
