import { defineError } from '../define-error.js';

// Errors of the daemon area. Codes are never reused once retired; add new ones at the end.
