import type { CorePackage } from './core-package.js';
import type { ConnectorNames } from './names.js';
import { SCAFFOLD_TOOL_VERSIONS } from './tool-versions.js';
import type { ScaffoldFile } from './write-files.js';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * The package files of a plugin scaffold: package.json (core as a peer dependency, the engine
 * range of this core; `npm test` builds dist/ first, so the daemon can load the package right
 * after), tsconfig.json, .gitignore and the README.
 */
export function connectorPackageFiles(names: ConnectorNames, core: CorePackage, coreSpec: string): ScaffoldFile[] {
  const manifest = {
    name: names.packageName,
    version: '0.1.0',
    description: `connectd connector plugin for ${names.namespace}`,
    keywords: ['connectd', 'connectd-connector'],
    type: 'module',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    files: ['dist', '!dist/**/*.test.*'],
    engines: { node: '>=20' },
    scripts: { build: 'tsc', test: 'tsc && vitest run' },
    peerDependencies: { '@connectd/core': core.engineRange },
    devDependencies: { '@connectd/core': coreSpec, ...SCAFFOLD_TOOL_VERSIONS },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      declaration: true,
      outDir: 'dist',
      rootDir: 'src',
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['src'],
  };
  return [
    { path: 'package.json', text: json(manifest) },
    { path: 'tsconfig.json', text: json(tsconfig) },
    { path: '.gitignore', text: 'node_modules/\ndist/\n' },
    { path: 'vitest.config.ts', text: VITEST_CONFIG },
    { path: 'README.md', text: readme(names, core) },
  ];
}

// Vitest looks for a config up the folder tree: without its own, a package made inside another
// project (a monorepo, connectd's checkout) would run under that project's config.
const VITEST_CONFIG = `// This package's own test settings: without this file vitest would use a config found in a parent folder.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { dir: 'src' } });
`;

function readme(n: ConnectorNames, core: CorePackage): string {
  return `# ${n.packageName}

A [connectd](https://github.com/connectd) connector plugin for ${n.namespace}: the \`${n.namespace}/default\` preset
(streams of products and stock levels, signed webhooks) and a fake ${n.namespace} server for tests.

## Use it

\`\`\`sh
npm install ${n.packageName}        # or: npm install /path/to/${n.packageName}
\`\`\`

\`\`\`yaml
# connectors.yaml
version: 1
plugins: ["${n.packageName}"]
connectors:
  ${n.namespace}:
    extends: ${n.namespace}/default
    base_url: \${${n.envPrefix}_BASE_URL:-https://api.${n.namespace}.example/v1}
    auth: { token: \${${n.envPrefix}_API_TOKEN} }
    webhooks: { verify: { secret: \${${n.envPrefix}_WEBHOOK_SECRET} } }
\`\`\`

## Develop it

- \`npm test\` builds \`dist/\` and runs the tests: the preset's mappings on sample records (\`testPreset\`)
  and the fake vendor (\`src/testing/\`).
- Replace the sample endpoints, fields and mappings in \`src/preset.ts\` with your vendor's, and the
  samples in \`src/preset.test.ts\` with real payloads from the vendor's documentation.
- The plugin contract, each slot's \`define*\` helper and the rules are in connectd's \`docs/plugins.md\`.

## Compatibility

Built for @connectd/core ${core.engineRange} (the \`peerDependencies\` range; connectd refuses to load the
plugin outside it). The package name and version the daemon reports come from this package.json.
`;
}
