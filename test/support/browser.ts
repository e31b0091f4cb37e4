import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`; `.ci/run` installs it), or CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Throws, saying how to install it, when the browser is missing: a browser test never skips. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: install Debian's package (sudo apt-get install chromium; .ci/run does it) or set CHROMIUM_PATH`);
  }
}

/** A headless Chromium with a fresh profile; `close()` removes the profile. */
export interface HeadlessBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium through playwright-core (which downloads nothing): no sandbox (the
 * suite runs as root in containers), no GPU, and none of the browser's own network traffic.
 * Fails with a message saying how to install the browser when it is missing; never skips.
 */
export async function launchChromium(viewport: { width: number; height: number }): Promise<HeadlessBrowser> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'connectd-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
