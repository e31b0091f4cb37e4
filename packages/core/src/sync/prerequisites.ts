/**
 * `after:` — a stream that must not run on a connection before other streams of its connector have
 * succeeded there once (inventory looks up the ids that locations and catalog write). The config
 * rejects unknown names and cycles; this module answers what must run first, and in what order.
 */
import type { SyncStore } from './types.js';

/** The streams of one connector and what each runs after. */
export interface StreamGraph {
  /** The connector's streams, in declaration order. */
  readonly streams: readonly string[];
  /** The streams `stream` runs after (`after:`); empty when none. */
  runsAfter(stream: string): readonly string[];
}

/**
 * The graph of a connector's declared streams (the `streams:` map of its config).
 * @example
 * const graph = streamGraph(project.connector('square').streams ?? {});
 */
export function streamGraph(declarations: Readonly<Record<string, { readonly after?: readonly string[] | undefined }>>): StreamGraph {
  const after = new Map(Object.entries(declarations).map(([name, declaration]) => [name, declaration.after ?? []]));
  return { streams: [...after.keys()], runsAfter: (stream) => after.get(stream) ?? [] };
}

/**
 * `names` (default: every stream) ordered so each comes after the streams it runs after that are
 * among them, otherwise in declaration order: at each step, the first declared stream whose
 * prerequisites are placed. A cycle (the config forbids one) leaves the rest in declaration order.
 * @example
 * dependencyOrder(streamGraph({ inventory: { after: ['locations', 'catalog'] }, locations: {}, catalog: {} }));
 * // ['locations', 'catalog', 'inventory']
 */
export function dependencyOrder(graph: StreamGraph, names: Iterable<string> = graph.streams): string[] {
  const wanted = new Set(names);
  const declared = graph.streams.filter((s) => wanted.has(s));
  const streams = [...declared, ...[...wanted].filter((s) => !declared.includes(s))];
  const placed = new Set<string>();
  const order: string[] = [];
  while (order.length < streams.length) {
    const next = streams.find((s) => !placed.has(s) && graph.runsAfter(s).every((p) => !wanted.has(p) || placed.has(p)));
    if (next === undefined) {
      order.push(...streams.filter((s) => !placed.has(s)));
      break;
    }
    placed.add(next);
    order.push(next);
  }
  return order;
}

/** Every stream `stream` runs after, directly or through another; `stream` itself excluded. */
function prerequisitesOf(graph: StreamGraph, stream: string): string[] {
  const found: string[] = [];
  const queue = [...graph.runsAfter(stream)];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (name === stream || found.includes(name)) continue;
    found.push(name);
    queue.push(...graph.runsAfter(name));
  }
  return found;
}

/**
 * The streams that must succeed on the connection before `stream` may run there, in the order to
 * run them: those it runs after without a succeeded run yet, and theirs, through every stream that
 * has not succeeded either. Empty when `stream` may run now; a stream that succeeded once
 * satisfies its dependents for good (one query, none for a stream without `after`).
 * @example
 * await unmetPrerequisites(store, 'square-acme', 'inventory', graph); // ['catalog']: locations succeeded before
 */
export async function unmetPrerequisites(store: Pick<SyncStore, 'succeededStreams'>, connectionId: string, stream: string, graph: StreamGraph): Promise<string[]> {
  const all = prerequisitesOf(graph, stream);
  if (all.length === 0) return [];
  const succeeded = await store.succeededStreams(connectionId, all);
  const unmet = new Set<string>();
  const visit = (name: string): void => {
    for (const prerequisite of graph.runsAfter(name)) {
      if (prerequisite === stream || succeeded.has(prerequisite) || unmet.has(prerequisite)) continue;
      unmet.add(prerequisite);
      visit(prerequisite);
    }
  };
  visit(stream);
  return dependencyOrder(graph, unmet);
}
