// Vitest looks for its config up the folder tree: without this file, inside the connectd
// repository it would pick up the repository's config and find no tests here. Vitest's defaults
// are what this package wants (`npm test` passes `--dir src`, so dist/ is not searched).
import { defineConfig } from 'vitest/config';

export default defineConfig({});
