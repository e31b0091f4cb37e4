import type { FastifyInstance } from 'fastify';
import { DAEMON_BAD_REQUEST } from '../../errors/index.js';

/**
 * The deepest nesting of arrays and objects a JSON request body may have (Ruby's JSON default):
 * far more than an admin request or an action input needs, far less than what overflows the stack
 * of the recursive walks a body goes through after parsing (copying, validating, serialising).
 */
export const MAX_JSON_BODY_DEPTH = 100;

const BACKSLASH = 0x5c;
const QUOTE = 0x22;

/** Whether the escape at `i` (a backslash inside a string) is `\u0000`. */
function isNulEscape(text: string, i: number): boolean {
  return text.startsWith('u0000', i + 1);
}

/**
 * Why a JSON text must not be parsed, or undefined: nesting deeper than `maxDepth`, or a `\u0000`
 * escape in a string (Postgres keeps no NUL in text or jsonb, so such a body could only end as a
 * store error, a 500). One pass over the text, before anything parses it.
 * @example
 * jsonBodyProblem('[[1]]', 1); // 'is nested more than 1 levels deep'
 */
export function jsonBodyProblem(text: string, maxDepth: number): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) {
        if (isNulEscape(text, i)) return 'holds a NUL character (\\u0000), which no value connectd stores may contain';
        i += 1;
      } else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth += 1;
      if (depth > maxDepth) return `is nested more than ${maxDepth} levels deep`;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth -= 1;
    }
  }
  return undefined;
}

/**
 * Replaces the server's `application/json` parser with fastify's own (same prototype-poisoning
 * rules) behind {@link jsonBodyProblem}: a body nested deeper than {@link MAX_JSON_BODY_DEPTH}
 * (which overflowed the stack of a route that walks it: an action's input is copied and validated
 * recursively) or holding a NUL is refused with 400 (CONNECTD_ERR_DAEMON_BAD_REQUEST) instead of
 * answering 500. Webhook routes read raw bytes with their own parser and are not affected.
 * @example
 * const app = Fastify(); registerJsonBodyParser(app);
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, raw, done) => {
    // parseAs 'string': fastify hands over the text.
    const body = String(raw);
    const problem = jsonBodyProblem(body, MAX_JSON_BODY_DEPTH);
    if (problem !== undefined) {
      done(DAEMON_BAD_REQUEST({ reason: `the JSON body ${problem}` }), undefined);
      return;
    }
    parse(request, body, done);
  });
}
