#!/usr/bin/env node
// Writes packages/core/schema/connectors.schema.json, the schema editors use for connectors.yaml,
// from the config's own schemas and the built-in components' options schemas (build first:
// `pnpm build`). A test in packages/core/src/project checks the file matches, so rerun this after
// changing a config shape or a built-in component: `pnpm gen:schema`.
import { writeFileSync } from 'node:fs';
import { createCoreRegistry, editorSchema } from '../packages/core/dist/project/index.js';

const file = new URL('../packages/core/schema/connectors.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(editorSchema(createCoreRegistry()), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
