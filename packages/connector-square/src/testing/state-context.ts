import type { SquareIds } from './square-ids.js';

/** What the state classes share: the fake's clock and its id makers. */
export interface StateContext {
  /** The fake's clock, epoch ms. */
  readonly now: () => number;
  readonly ids: SquareIds;
}
