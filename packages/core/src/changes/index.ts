// The change feed's public surface: the rows every entity write appends to `connectd.changes`
// (persist/entity-writer.ts), read by position and consumed exactly once per named consumer.
export { consumeChanges, readChanges, CHANGES_PAGE_LIMIT_MAX } from './read-changes.js';
export type { Change, ChangeHandler, ChangeOperation, ChangeSource, ReadChangesOptions } from './read-changes.js';
export { parseChangesQuery, CHANGES_PAGE_LIMIT_DEFAULT } from './changes-query.js';
export { ConsumerLoop } from './consumer-loop.js';
export type { ConsumerLoopOptions } from './consumer-loop.js';
