import { defineError } from '../define-error.js';

// Errors of the config area. Codes are never reused once retired; add new ones at the end.
