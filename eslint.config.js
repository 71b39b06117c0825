import neostandard from 'neostandard'
import tseslint from 'typescript-eslint'

export default [
  // openapi/ffb-api.d.ts is generated (npm run openapi), in openapi-typescript's style.
  { ignores: ['dist/', 'data/', 'coverage/', '.tap/', 'node_modules/', 'openapi/'] },
  ...neostandard({ ts: true }),
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Fastify plugins and handlers are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
      // A TypeBox schema and its static type share a name by design.
      '@typescript-eslint/no-redeclare': 'off'
    }
  },
  {
    // A longer function starts with a one-line reason (eslint-disable-next-line … -- why).
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] }
  },
  // The layers of docs/architecture.md: which folder may import which.
  {
    files: ['src/http/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'kysely', message: 'src/http knows HTTP only: SQL belongs in src/db or an area\'s queries' }],
        patterns: [{
          group: ['assessment', 'cases', 'catalogs', 'decisions', 'delivery', 'exports', 'fhir', 'follow-ups', 'goals', 'health', 'insight', 'investigation', 'retention', 'timeline']
            .map((area) => `../${area}/*`),
          message: 'src/http knows HTTP only: it never imports a domain area'
        }]
      }]
    }
  },
  {
    files: ['src/db/**/*.ts', 'src/audit/record.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'fastify', message: 'the database layer takes plain values, never a request' }],
        patterns: [{ group: ['../http/*', '!../http/problems.js', '../*/routes.js'], message: 'the database layer knows no HTTP (problems excepted)' }]
      }]
    }
  },
  {
    files: ['src/{assessment,audit,cases,catalogs,clients,decisions,delivery,exports,fhir,follow-ups,goals,insight,investigation,retention,timeline}/**/*.ts'],
    ignores: ['src/*/routes.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'fastify', message: 'queries and domain rules take plain values (a Scope, typed inputs), never a request' },
          { name: '@fastify/type-provider-typebox', message: 'routes live in routes.ts' }
        ],
        patterns: [{ group: ['audit', 'auth', 'errors', 'ndjson', 'writes'].map((name) => `../http/${name}.js`), message: 'only routes.ts speaks HTTP' }]
      }]
    }
  },
  {
    // The demo is a vendor: it writes through the API's routes (app.inject), never around them.
    files: ['src/demo/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'kysely', message: 'the demo writes through the API (app.inject), never with SQL' }],
        patterns: [{ group: ['../db/*', '../*/queries.js', '../*/record.js'], message: 'the demo writes through the API (app.inject), never around its rules' }]
      }]
    }
  },
  {
    files: ['src/*/routes.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'kysely', message: 'No SQL in route handlers: put the query in the area\'s queries.ts' },
          { name: '../db/scope.js', importNames: ['scopedSelect', 'served'], message: 'No SQL in route handlers: put the query in the area\'s queries.ts' }
        ]
      }]
    }
  },
  {
    // tap tracks its own subtests and assertion promises; res.json() is untyped by design.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off'
    }
  },
  {
    // The generated client's flow proves the contract types a vendor's code: no casts, no escape from the types.
    files: ['test/http/generated-client.test.ts'],
    rules: {
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error'
    }
  }
]
