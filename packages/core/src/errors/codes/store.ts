import { defineError } from '../define-error.js';

// Errors of the store area. Codes are never reused once retired; add new ones at the end.
