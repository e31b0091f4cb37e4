import { describe, expect, it } from 'vitest';
import { MemorySyncStore } from '../testing/memory-sync-store.js';
import { dependencyOrder, streamGraph, unmetPrerequisites } from './prerequisites.js';

/** Square-like: inventory looks up locations and catalog ids; orders need locations. */
const graph = streamGraph({
  inventory: { after: ['catalog', 'locations'] },
  orders: { after: ['locations'] },
  catalog: { after: ['locations'] },
  customers: {},
  locations: {},
});

describe('dependencyOrder', () => {
  it('puts every stream after the streams it runs after, otherwise keeping declaration order', () => {
    expect(dependencyOrder(graph)).toEqual(['customers', 'locations', 'orders', 'catalog', 'inventory']);
    expect(dependencyOrder(streamGraph({ a: {}, b: {}, c: {} }))).toEqual(['a', 'b', 'c']);
  });

  it('orders a subset by the edges among its members, in declaration order whatever order it is given in', () => {
    expect(dependencyOrder(graph, ['inventory', 'catalog', 'orders'])).toEqual(['orders', 'catalog', 'inventory']);
    expect(dependencyOrder(graph, new Set(['locations', 'orders']))).toEqual(['locations', 'orders']);
  });

  it('keeps the streams of a cycle (which the config refuses) in declaration order instead of losing them', () => {
    const cyclic = streamGraph({ x: {}, a: { after: ['b'] }, b: { after: ['a'] } });
    expect(dependencyOrder(cyclic)).toEqual(['x', 'a', 'b']);
  });
});

describe('unmetPrerequisites', () => {
  it('names what never succeeded on the connection, through other unmet streams, in the order to run them', async () => {
    const store = new MemorySyncStore();
    expect(await unmetPrerequisites(store, 'c1', 'inventory', graph)).toEqual(['locations', 'catalog']);

    store.seedSucceededRun('c1', 'locations');
    expect(await unmetPrerequisites(store, 'c1', 'inventory', graph)).toEqual(['catalog']);
    expect(await unmetPrerequisites(store, 'c1', 'orders', graph)).toEqual([]);
    expect(await unmetPrerequisites(store, 'c2', 'orders', graph)).toEqual(['locations']);

    store.seedSucceededRun('c1', 'catalog');
    expect(await unmetPrerequisites(store, 'c1', 'inventory', graph)).toEqual([]);
    expect(await unmetPrerequisites(store, 'c1', 'customers', graph)).toEqual([]);
  });

  it('does not look past a prerequisite that succeeded: its own prerequisites are its business', async () => {
    const store = new MemorySyncStore();
    store.seedSucceededRun('c1', 'catalog');
    expect(await unmetPrerequisites(store, 'c1', 'inventory', graph)).toEqual(['locations']);
    const chain = streamGraph({ a: {}, b: { after: ['a'] }, c: { after: ['b'] } });
    store.seedSucceededRun('c1', 'b');
    expect(await unmetPrerequisites(store, 'c1', 'c', chain)).toEqual([]);
  });
});
