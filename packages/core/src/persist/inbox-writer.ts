import { insertInboxRows, keepUnparsableWebhook, type Database } from '../store/index.js';
import type { InboxWriter } from '../webhooks/index.js';

/**
 * The webhook intake's inbox over the store: group-committed inserts and the dead letter of a
 * verified body that is not JSON.
 * @example
 * registerWebhookIntake(app, { connectors, inbox: createInboxWriter(store.db), log, metrics });
 */
export function createInboxWriter(db: Database): InboxWriter {
  return {
    insert: (rows) => insertInboxRows(db, rows),
    keepUnparsable: (letter) => keepUnparsableWebhook(db, letter),
  };
}
