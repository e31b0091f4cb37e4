import { defineError } from '../define-error.js';

// Errors of the auth area. Codes are never reused once retired; add new ones at the end.
