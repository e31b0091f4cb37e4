import type { DeadLetter } from '../../../store/index.js';
import type { RenderContext } from './context.js';
import { cell, esc, postForm, table, when } from './html.js';

/** Longest payload text shown; the rest is cut (the CLI's `connectd replay` and the store have it whole). */
const PAYLOAD_SHOWN_CHARS = 4_000;

function payloadOf(context: RenderContext, letter: DeadLetter): string {
  const text = letter.payload === null && letter.raw !== null ? context.deps.redactPayload(letter.raw.toString('utf8')) : context.deps.redactPayload(letter.payload);
  const shown = text.length > PAYLOAD_SHOWN_CHARS ? `${text.slice(0, PAYLOAD_SHOWN_CHARS)}\n… (${text.length - PAYLOAD_SHOWN_CHARS} more characters)` : text;
  return `<details id="payload-${esc(letter.id)}"><summary>Payload (redacted)</summary><pre class="payload">${esc(shown)}</pre></details>`;
}

/**
 * The dead letters panel: the open letters with where they come from, their code and reason, the
 * payload redacted (secret-named fields censored, known secrets scrubbed), and a replay button.
 * @example
 * deadLettersPanel(context);
 */
export function deadLettersPanel(context: RenderContext): string {
  const total = context.status.streams.reduce((n, s) => n + s.deadLetters, 0);
  const rows = context.letters.map(
    (letter) =>
      `<tr data-letter="${esc(letter.id)}" data-stream="${esc(`${letter.connectionId ?? ''}/${letter.stream ?? ''}`)}">${[
        cell('Letter', `<code>#${esc(letter.id)}</code> <small class="muted">${esc(letter.sourceKind)}</small>`),
        cell('Where', `${esc(letter.connector)}${letter.connectionId === null ? '' : ` · ${esc(letter.connectionId)}`}${letter.stream === null ? '' : ` · ${esc(letter.stream)}`}`),
        cell('When', when(letter.createdAt, context.nowMs)),
        cell('Reason', `<code>${esc(letter.errorCode)}</code><div class="reason">${esc(letter.reason)}</div>${payloadOf(context, letter)}`, 'reason'),
        cell('', postForm('/ui/replay', context.csrf, 'Replay', { id: letter.id }, 'button small')),
      ].join('')}</tr>`,
  );
  const more = context.letters.length < total ? `<p class="muted">Showing the oldest ${context.letters.length} of ${total} open letters of the streams above.</p>` : '';
  return `<section id="dead-letters" class="panel"><h2>Dead letters</h2>${table('dead-letters', ['Letter', 'Where', 'When', 'Reason and payload', ''], rows, 'No open dead letters.')}${more}</section>`;
}

/**
 * The config panel: the revision running, where it was read from, and the last reload's result
 * (with its errors when it was refused). Rendered when the status model carries it.
 * @example
 * configPanel(context);
 */
export function configPanel(context: RenderContext): string {
  const config = context.status.config;
  if (config === undefined) return '';
  const reload = config.lastReload;
  const errors = (reload?.errors ?? []).map((e) => `<li><code>${esc(e)}</code></li>`).join('');
  const outcome =
    reload === undefined
      ? '<span class="muted">not reloaded since start</span>'
      : `<span class="badge badge-${esc(reload.outcome)}">${esc(reload.outcome)}</span> ${when(reload.at, context.nowMs)}${errors === '' ? '' : `<ul class="errors">${errors}</ul>`}`;
  return `<section id="config" class="panel"><h2>Config</h2><dl class="facts"><dt>Revision</dt><dd><code>${esc(config.revision)}</code></dd><dt>File</dt><dd><code>${esc(config.path)}</code></dd><dt>Loaded</dt><dd>${when(config.loadedAt, context.nowMs)}</dd><dt>Last reload</dt><dd>${outcome}</dd></dl></section>`;
}
