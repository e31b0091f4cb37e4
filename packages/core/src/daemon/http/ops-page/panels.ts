import { connectionsPanel, breakersPanel } from './panel-connections.js';
import { configPanel, deadLettersPanel } from './panel-dead-letters.js';
import { intakePanel } from './panel-intake.js';
import { streamsPanel } from './panel-streams.js';
import type { RenderContext } from './context.js';
import { esc, postForm, shell } from './html.js';

/**
 * The panels, as the fragment `/ui/fragment` answers and the page embeds: the refresh script
 * swaps this part only.
 * @example
 * panels(await gatherContext(deps, csrf));
 */
export function panels(context: RenderContext): string {
  const updated = `<p class="muted updated">Updated <time datetime="${esc(new Date(context.nowMs).toISOString())}">${esc(new Date(context.nowMs).toISOString().slice(11, 19))} UTC</time></p>`;
  return [updated, connectionsPanel(context), streamsPanel(context), breakersPanel(context), intakePanel(context), deadLettersPanel(context), configPanel(context)].join('');
}

/** A notice above the panels (a replay's counts, a refused action); plain text, escaped. */
export interface Notice {
  readonly kind: 'ok' | 'error';
  readonly text: string;
}

/**
 * The whole page: header (version, config revision, sign out), an optional notice, the panels.
 * @example
 * page(context, { kind: 'ok', text: 'Replayed 1 dead letter.' });
 */
export function page(context: RenderContext, notice?: Notice): string {
  const revision = context.status.config?.revision;
  const header = `<header class="top"><h1>connectd <small>${esc(context.status.version)}</small></h1><span class="muted">store ${esc(context.status.store.kind)}${context.status.store.ready ? '' : ' (not ready)'}${revision === undefined ? '' : ` · config <code>${esc(revision)}</code>`}</span>${postForm('/ui/logout', context.csrf, 'Sign out', {}, 'button quiet')}</header>`;
  const box = notice === undefined ? '' : `<p class="notice notice-${notice.kind}" role="status">${esc(notice.text)}</p>`;
  return shell('connectd · operations', `${header}${box}<main id="panels" data-fragment="/ui/fragment">${panels(context)}</main>`);
}
