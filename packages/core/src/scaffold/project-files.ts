import { isAbsolute, join, relative } from 'node:path';
import type { CorePackage } from './core-package.js';
import type { ScaffoldFile } from './write-files.js';

/**
 * Where the scaffold's `$schema` comment points: the schema inside the installed core when core
 * comes from a registry, else this checkout's copy (relative when reachable that way).
 */
function schemaReference(core: CorePackage, coreSpec: string, targetDir: string): string {
  if (!coreSpec.startsWith('file:')) return './node_modules/@connectd/core/schema/connectors.schema.json';
  const schema = join(core.dir, 'schema', 'connectors.schema.json');
  const fromTarget = relative(targetDir, schema);
  return isAbsolute(fromTarget) || fromTarget.split('/').filter((part) => part === '..').length > 3 ? schema : fromTarget;
}

/**
 * An integrator's folder: connectors.yaml that validates as written (its connector is optional, so
 * the daemon starts idle until the variables are set), .env.example with every variable it and the
 * daemon read, package.json to install connectd and plugins into, and a README.
 */
export function projectFiles(core: CorePackage, coreSpec: string, targetDir: string): ScaffoldFile[] {
  const manifest = {
    name: 'connectd-project',
    private: true,
    type: 'module',
    scripts: { start: 'connectd run', validate: 'connectd validate', status: 'connectd status' },
    dependencies: { '@connectd/core': coreSpec },
  };
  return [
    { path: 'connectors.yaml', text: connectorsYaml(schemaReference(core, coreSpec, targetDir)) },
    { path: '.env.example', text: ENV_EXAMPLE },
    { path: '.gitignore', text: 'node_modules/\n.env\n.connectd/\n' },
    { path: 'package.json', text: `${JSON.stringify(manifest, null, 2)}\n` },
    { path: 'README.md', text: README },
  ];
}

const connectorsYaml = (schema: string): string => `# yaml-language-server: $schema=${schema}
#
# Your connectd configuration. Every key is described in connectd's docs/config-reference.md;
# editors that read the $schema line above complete and check it as you type.
# Check it with \`npx connectd validate\`, run it with \`npx connectd run\`.
version: 1

# Plugins add vendors (presets, auth, paginators, verifiers): \`npm install connectd-connector-<vendor>\`,
# then name the package here and \`extends: <vendor>/default\` in a connector below.
# plugins: ["connectd-connector-acme"]

connectors:
  inventory:
    # Idle (not an error) until INVENTORY_API_TOKEN is set: the daemon starts without it.
    optional: true
    base_url: \${INVENTORY_BASE_URL:-https://inventory.example.com/api}
    auth:
      type: bearer
      token: \${INVENTORY_API_TOKEN}
    streams:
      levels:
        request: { path: /levels }
        records: $.items
        schedule: "*/10 * * * *"
        entity: inventory_level
        map: '{ "store": location, "product": sku, "quantity": on_hand }'

# Signed events to your app for every change (Standard Webhooks); uncomment with your endpoint.
# destinations:
#   app:
#     url: \${APP_EVENTS_URL}
#     secret: \${APP_EVENTS_SECRET}
#     events: [inventory_level.*]
`;

const ENV_EXAMPLE = `# Copy to .env (never commit it) or set these in your process manager.
# Without DATABASE_URL the daemon keeps its data in an embedded Postgres under CONNECTD_DATA_DIR.
# DATABASE_URL=postgres://user:password@localhost:5432/connectd
CONNECTD_DATA_DIR=./.connectd
# 32 random bytes, base64 (openssl rand -base64 32): encrypts OAuth tokens and secrets at rest.
CONNECTD_SECRET_KEY=
# Bearer token of the admin API (/api/*).
CONNECTD_ADMIN_TOKEN=
PORT=8080
INVENTORY_BASE_URL=https://inventory.example.com/api
INVENTORY_API_TOKEN=
# APP_EVENTS_URL=http://localhost:3000/connectd-events
# APP_EVENTS_SECRET=whsec_...
`;

const README = `# connectd project

This folder holds one connectd deployment: \`connectors.yaml\` says which vendors to talk to and how
their records map onto your entities; the daemon does the rest (OAuth, webhooks, syncs, retries).

\`\`\`sh
npm install                      # connectd itself (and any plugins you add to package.json)
cp .env.example .env             # then fill in the values; load them with your shell or process manager
npx connectd validate            # every config error at once, with file:line:col
npx connectd run                 # the daemon: healthz on http://localhost:8080/healthz
\`\`\`

- Add a vendor: \`npm install connectd-connector-<vendor>\`, add the package to \`plugins:\`, and a
  connector with \`extends: <vendor>/default\`.
- Sync once by hand: \`npx connectd sync inventory levels\`; see state: \`npx connectd status\`.
`;
