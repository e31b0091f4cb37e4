import { defineError } from '../define-error.js';

// Errors of outbound events to the app (destinations/). Codes are never reused once retired; add
// new ones at the end. Messages name destinations and event ids, never secrets or bodies.

export const OUTBOUND_DELIVERY_FAILED = defineError<{ destination: string; eventId: string; attempts: number; reason: string }>({
  code: 'CONNECTD_ERR_OUTBOUND_DELIVERY_FAILED',
  meaning: "An event could not be delivered to a destination within its retry window (3 days by default): every attempt failed (an error status, a timeout, the endpoint down). The event is a dead letter.",
  fix: 'Fix the endpoint (its log says why it refused), then `connectd replay --id <letter>` or `--connector <connector>`: the event is sent again with the same webhook-id.',
  message: (d) => `event ${d.eventId} to destination "${d.destination}" failed ${d.attempts} times and its retry window is over: ${d.reason}`,
});

export const OUTBOUND_DESTINATION_GONE = defineError<{ destination: string }>({
  code: 'CONNECTD_ERR_OUTBOUND_DESTINATION_GONE',
  meaning: 'A destination answered 410 Gone: the app says the endpoint no longer exists, so connectd stops sending to it. Its events stay queued.',
  fix: 'Point destinations.<name>.url at the live endpoint (a new URL enables the destination again) and restart the daemon; the queued events then go out in order.',
  message: (d) => `destination "${d.destination}" answered 410 Gone: it is disabled until its url changes`,
});
