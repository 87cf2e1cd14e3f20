import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Each process folder may import only app/shared and itself; these rules make a wrong
// import fail CI (DESIGN.md section 2).
const otherProcesses = (...names) => ({
  patterns: [
    {
      regex: `^(\\.\\./)+(${names.join('|')})(/|$)`,
      message: 'a process folder imports only app/shared and itself',
    },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'app/shared/contracts/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['app/host/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the host runs on plain Node' }],
          ...otherProcesses('nodes', 'renderer', 'main', 'preload'),
        },
      ],
    },
  },
  {
    files: ['app/nodes/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'nodes run on plain Node' }],
          ...otherProcesses('host', 'renderer', 'main', 'preload'),
        },
      ],
    },
  },
  {
    files: ['app/main/**', 'app/preload/**'],
    rules: { 'no-restricted-imports': ['error', otherProcesses('host', 'nodes', 'renderer', 'main', 'preload')] },
  },
  {
    files: ['app/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the renderer talks to the host API only' }],
          patterns: [
            ...otherProcesses('host', 'nodes', 'main', 'preload').patterns,
            { regex: '^node:', message: 'the renderer runs in a browser sandbox' },
          ],
        },
      ],
    },
  },
  {
    files: ['app/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'shared code runs everywhere' }],
          ...otherProcesses('host', 'nodes', 'renderer', 'main', 'preload'),
        },
      ],
    },
  },
  {
    // Tests may look across process folders (a host test auditing node databases); code may not.
    files: ['**/*.test.ts', 'testing/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
