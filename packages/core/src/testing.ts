/** `@connectd/core/testing`: helpers for plugin authors' tests. */
export {};
