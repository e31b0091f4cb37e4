/** json/: reading vendors' JSON without losing what `JSON.parse` would round (64-bit ids). A leaf: it imports nothing. */
export { parseJson, quoteUnsafeIntegers } from './parse.js';
