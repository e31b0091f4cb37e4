#!/usr/bin/env node
// Writes docs/errors.md from the error registry (build first: `pnpm build`).
// A test in packages/core/src/errors checks the doc and the registry agree, so rerun this after
// adding a code: `node scripts/gen-errors-doc.mjs`.
import { writeFileSync } from 'node:fs';
import { ERROR_REGISTRY, RETIRED_CODES } from '../packages/core/dist/errors/index.js';

const cell = (text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const lines = [
  '# Error codes',
  '',
  'Every failure connectd reports carries one of these stable codes (`err.code`, the `code` field of',
  'JSON log lines and API error bodies). Codes are never reused. Exit code 2 means bad input',
  '(config, arguments); 1 a runtime failure.',
  '',
];
let area;
for (const { area: a, factory } of ERROR_REGISTRY) {
  if (a !== area) {
    area = a;
    lines.push(`## ${a}`, '', '| Code | Meaning | How to fix | Exit | HTTP |', '| --- | --- | --- | --- | --- |');
  }
  const d = factory.definition;
  lines.push(`| \`${d.code}\` | ${cell(d.meaning)} | ${cell(d.fix)} | ${d.exitCode ?? 1} | ${d.httpStatus ?? 500} |`);
  const next = ERROR_REGISTRY[ERROR_REGISTRY.findIndex((e) => e.factory === factory) + 1];
  if (!next || next.area !== a) lines.push('');
}
lines.push(
  '## Retired codes',
  '',
  'No longer raised, and never given to another error.',
  '',
  '| Code | Replaced by | Why |',
  '| --- | --- | --- |',
  ...RETIRED_CODES.map((r) => `| \`${r.code}\` | \`${r.replacedBy}\` | ${cell(r.why)} |`),
  '',
);
writeFileSync(new URL('../docs/errors.md', import.meta.url), lines.join('\n'));
console.log(`docs/errors.md: ${ERROR_REGISTRY.length} codes`);
