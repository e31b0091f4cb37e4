import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type YAMLMap } from 'yaml';
import type { SourcePosition, YamlPath } from './issues.js';

/** What position lookups need from a parsed config: its YAML tree and line table. */
export interface SourceTree {
  readonly document: Document;
  readonly lineCounter: LineCounter;
}

interface Step {
  /** The node that names this step: a mapping key, or the list item itself. */
  readonly anchor: Node | undefined;
  /** The value at this step (undefined for an empty `key:`). */
  readonly value: Node | undefined;
}

const FIRST: SourcePosition = { line: 1, col: 1 };

/**
 * Where a YAML path is written in the file: the key of a mapping entry, or the list item. A path
 * that does not exist (a missing key, a value added by a preset) resolves to its deepest existing
 * ancestor, so every issue still points somewhere useful.
 * @example
 * positionOf(parsed, ['plugins', 1]);                        // { line: 2, col: 22 }
 * positionOf(parsed, ['connectors', 'storq', 'auth', 'tokn']); // where `tokn:` is written
 */
export function positionOf(tree: SourceTree, path: YamlPath): SourcePosition {
  const steps = walk(tree.document, path);
  const last = steps[steps.length - 1];
  return at(tree, last?.anchor ?? last?.value) ?? at(tree, contentsOf(tree.document)) ?? FIRST;
}

/**
 * Where the value at a path is written (for "wrong type" issues, point at the wrong thing). Falls
 * back to the key, then to the deepest existing ancestor.
 */
export function valuePositionOf(tree: SourceTree, path: YamlPath): SourcePosition {
  const steps = walk(tree.document, path);
  const last = steps[steps.length - 1];
  if (steps.length === path.length && last !== undefined) {
    return at(tree, last.value) ?? at(tree, last.anchor) ?? FIRST;
  }
  return positionOf(tree, path);
}

function walk(document: Document, path: YamlPath): Step[] {
  const steps: Step[] = [];
  let node = resolveAlias(document, contentsOf(document));
  for (const segment of path) {
    const step = childOf(document, node, segment);
    if (step === undefined) break;
    steps.push(step);
    node = resolveAlias(document, step.value);
  }
  return steps;
}

function childOf(document: Document, node: Node | undefined, segment: string | number): Step | undefined {
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment] as Node | undefined;
    return item === undefined ? undefined : { anchor: item, value: item };
  }
  if (isMap(node)) return entryOf(document, node, String(segment), 0);
  return undefined;
}

// Follows `<<` merge keys, bounded so a self-referencing anchor cannot loop forever.
function entryOf(document: Document, map: YAMLMap, key: string, depth: number): Step | undefined {
  for (const pair of map.items) {
    if (isScalar(pair.key) && !isMergeKey(pair.key) && String(pair.key.value) === key) {
      return { anchor: pair.key, value: (pair.value ?? undefined) as Node | undefined };
    }
  }
  if (depth > 8) return undefined;
  for (const pair of map.items) {
    if (!isMergeKey(pair.key)) continue;
    const sources = isSeq(pair.value) ? (pair.value.items as Node[]) : [pair.value as Node];
    for (const source of sources) {
      const target = resolveAlias(document, source);
      if (isMap(target)) {
        const found = entryOf(document, target, key, depth + 1);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}

/** A `<<` merge key (yaml gives it a symbol value when merge keys are enabled). */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (key.value === '<<' || (typeof key.value === 'symbol' && key.source === '<<'));
}

function resolveAlias(document: Document, node: Node | undefined | null): Node | undefined {
  if (node === null || node === undefined) return undefined;
  if (isAlias(node)) return (node.resolve(document) as Node | undefined) ?? undefined;
  return node;
}

function contentsOf(document: Document): Node | undefined {
  return (document.contents ?? undefined) as Node | undefined;
}

function at(tree: SourceTree, node: Node | undefined): SourcePosition | undefined {
  const offset = node?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = tree.lineCounter.linePos(offset);
  return { line, col };
}
