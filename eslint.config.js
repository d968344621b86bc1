// One lint config. Besides the usual rules it makes the three kinds of code a lint error to mix:
// portable code (src/portable) imports no DOM, React, zustand, xterm or Node; browser code
// (src/browser) imports no Node; node code (src/node) imports no React; the agent and the real-kernel
// executor never import the simulator. tsconfig per directory backs this up for globals.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import reactRefresh from 'eslint-plugin-react-refresh';
import globals from 'globals';

// Node's built-in modules by bare name (and their subpaths); relative paths such as './fs/file'
// are not modules of Node, so the patterns are anchored regular expressions, not gitignore globs.
const NODE_BUILTIN_RE =
  '^(node:.*|(fs|path|os|child_process|worker_threads|net|http|https|crypto|url|util|events|stream)(/.*)?)$';
const BROWSER_LIBS = ['react', 'react/*', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*', '@xterm/*'];
const NODE_LIBS = ['ws', 'koffi', 'tsx', 'tsx/*'];

const restrict = (message, group) => ({ group, message });
const restrictNode = (message) => ({ regex: NODE_BUILTIN_RE, message });

export default tseslint.config(
  { ignores: ['dist', 'build', 'node_modules', 'test-results', 'playwright-report', 'bench/out'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use `as const` tables and literal unions, not enum.' },
      ],
    },
  },
  {
    files: ['src/portable/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrictNode('Portable code runs everywhere: no Node modules.'),
            restrict('Portable code runs everywhere: no Node modules.', NODE_LIBS),
            restrict('Portable code knows nothing of React, zustand or xterm.', BROWSER_LIBS),
            restrict('Portable code imports only portable code.', ['**/browser/**', '**/node/**']),
          ],
        },
      ],
    },
  },
  {
    files: ['src/browser/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks, 'react-refresh': reactRefresh },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-refresh/only-export-components': ['warn', { allowConstantExport: true }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrictNode('Browser code cannot use Node.'),
            restrict('Browser code cannot use Node.', NODE_LIBS),
            restrict('Browser code imports portable and browser code only.', ['**/node/**']),
          ],
        },
      ],
    },
  },
  {
    files: ['src/node/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrict('Node code has no UI.', BROWSER_LIBS),
            restrict('Node code imports portable and node code only.', ['**/browser/**']),
          ],
        },
      ],
    },
  },
  {
    files: ['src/node/agent/**/*.ts', 'src/node/executor/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrict('Node code has no UI.', BROWSER_LIBS),
            restrict('Node code imports portable and node code only.', ['**/browser/**']),
            restrict('The agent runs the real kernel; it never imports the simulator.', [
              '**/portable/kernel/**',
            ]),
          ],
        },
      ],
    },
  },
  {
    files: ['*.config.{js,ts}', 'e2e/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{js,mjs,ts}'],
    languageOptions: { globals: globals.node },
  },
);
