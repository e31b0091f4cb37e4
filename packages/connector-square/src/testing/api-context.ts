import type { FakeAnswer, RecordedRequest } from './core-test-kit.js';
import type { CursorBook } from './cursors.js';
import type { MerchantState } from './merchant-state.js';

/** What a `/v2` endpoint handler works with: the authorized seller's data, the cursors, the clock. */
export interface V2Context {
  readonly merchant: MerchantState;
  readonly cursors: CursorBook;
  readonly now: () => number;
}

/** A `/v2` endpoint: answers one authorized request. */
export type V2Handler = (context: V2Context, request: RecordedRequest) => FakeAnswer;
