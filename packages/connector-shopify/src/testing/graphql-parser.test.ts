import { describe, expect, it } from 'vitest';
import { GqlSyntaxError, parseGraphql } from './graphql-parser.js';

describe('GraphQL parser', () => {
  it('reads operations with variables and defaults, aliases, arguments of every literal kind, directives and fragments', () => {
    const doc = parseGraphql(`# a comment
      query Q($first: Int! = 10, $names: [String!]!) {
        v: productVariants(first: $first, query: "sku:\\"A B\\"", reverse: true, sortKey: SKU) @include(if: true) { nodes { ...F } }
        x(list: [1, 2.5, null], obj: {a: "b"}, block: """multi
line""")
      }
      fragment F on ProductVariant { id ... on ProductVariant { sku } }`);
    const [op] = doc.operations;
    expect(op).toMatchObject({ operation: 'query', name: 'Q' });
    expect(op!.variables).toEqual([
      { name: 'first', type: 'Int!', defaultValue: { kind: 'Int', value: '10' } },
      { name: 'names', type: '[String!]!', defaultValue: undefined },
    ]);
    const [v, x] = op!.selections as any[];
    expect(v).toMatchObject({ alias: 'v', name: 'productVariants', loc: { line: 3, column: 9 } });
    expect(v.args.map((a: any) => [a.name, a.value])).toEqual([
      ['first', { kind: 'Variable', name: 'first' }],
      ['query', { kind: 'String', value: 'sku:"A B"' }],
      ['reverse', { kind: 'Boolean', value: true }],
      ['sortKey', { kind: 'Enum', value: 'SKU' }],
    ]);
    expect(v.directives).toEqual([{ name: 'include', args: [expect.objectContaining({ name: 'if', value: { kind: 'Boolean', value: true } })] }]);
    expect(x.args.map((a: any) => a.value)).toEqual([
      { kind: 'List', values: [{ kind: 'Int', value: '1' }, { kind: 'Float', value: '2.5' }, { kind: 'Null' }] },
      { kind: 'Object', fields: [{ name: 'a', value: { kind: 'String', value: 'b' } }] },
      { kind: 'String', value: 'multi\nline' },
    ]);
    expect(doc.fragments.get('F')).toMatchObject({ typeCondition: 'ProductVariant', loc: { line: 7 } });
  });

  it('reads an anonymous query and a mutation', () => {
    expect(parseGraphql('{ shop { name } }').operations[0]).toMatchObject({ operation: 'query', name: undefined });
    expect(parseGraphql('mutation M { a }').operations[0]).toMatchObject({ operation: 'mutation', name: 'M' });
  });

  it('throws a syntax error with the position', () => {
    for (const [text, at] of [['{ shop { name }', [1, 16]], ['{ shop(first: ) { id } }', [1, 15]], ['{ a: }', [1, 6]], ['query { % }', [1, 9]], ['{ }', [1, 3]]] as const) {
      try {
        parseGraphql(text);
        expect.unreachable(text);
      } catch (err) {
        expect(err, text).toBeInstanceOf(GqlSyntaxError);
        expect((err as GqlSyntaxError).loc, text).toEqual({ line: at[0], column: at[1] });
      }
    }
  });
});
