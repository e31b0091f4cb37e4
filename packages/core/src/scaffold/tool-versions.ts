/**
 * The versions of the tools a scaffolded plugin builds and tests with: those this repository uses
 * (scaffold.test.ts checks them against the root package.json, so they move together).
 */
export const SCAFFOLD_TOOL_VERSIONS = {
  typescript: '~6.0.3',
  vitest: '^4.1.12',
  '@types/node': '^20.19.43',
} as const;
