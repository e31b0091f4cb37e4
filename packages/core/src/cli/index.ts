export { main } from './main.js';
export type { CliContext, GlobalOptions } from './main.js';
