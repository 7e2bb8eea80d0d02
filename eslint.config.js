import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  layer(['src/core/**'], [
    { group: ['grammy', 'grammy/*', '@grammyjs/*', 'botbuilder', 'keyv', '@keyv/*', 'got', 'winston'], message: 'core imports no framework' },
    { group: ['**/bot/**', '**/store/**', '**/sources/**', '**/forwarders/**', '**/app/**', '**/commands/**'], message: 'core depends on nothing outside core' },
  ]),
  layer(['src/commands/**'], [
    { group: ['grammy', 'grammy/*', '@grammyjs/*', 'botbuilder'], message: 'commands are platform-neutral' },
    { group: ['**/bot/**', '**/store/**', '**/app/**'], message: 'commands receive ports, not adapters' },
    { group: ['**/sources/**', '**/forwarders/**'], message: 'commands use core types and their own ports (commands/sophos-port.ts); app adapts the clients' },
  ]),
  layer(['src/sources/**'], [
    { group: ['grammy', 'grammy/*', '@grammyjs/*', 'botbuilder'], message: 'sources know no chat platform' },
    { group: ['**/bot/**', '**/store/**', '**/forwarders/**', '**/commands/**', '**/app/**'], message: 'sources depend on core and lib only' },
  ]),
  layer(['src/forwarders/**'], [
    { group: ['grammy', 'grammy/*', '@grammyjs/*', 'botbuilder'], message: 'forwarders know no chat platform' },
    { group: ['**/bot/**', '**/store/**', '**/sources/**', '**/commands/**', '**/app/**'], message: 'forwarders depend on core and lib only' },
  ]),
  {
    files: ['tests/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
