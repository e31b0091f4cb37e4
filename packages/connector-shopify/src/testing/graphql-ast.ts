/** The syntax tree of a GraphQL document, as `parseGraphql` reads it. */

/** A position in the query text, 1-based, as GraphQL errors report it. */
export interface GqlLocation {
  readonly line: number;
  readonly column: number;
}

export type GqlValue =
  | { readonly kind: 'Variable'; readonly name: string }
  | { readonly kind: 'Int' | 'Float' | 'String' | 'Enum'; readonly value: string }
  | { readonly kind: 'Boolean'; readonly value: boolean }
  | { readonly kind: 'Null' }
  | { readonly kind: 'List'; readonly values: readonly GqlValue[] }
  | { readonly kind: 'Object'; readonly fields: readonly { readonly name: string; readonly value: GqlValue }[] };

export interface GqlArgument {
  readonly name: string;
  readonly value: GqlValue;
  readonly loc: GqlLocation;
}
export interface GqlDirective {
  readonly name: string;
  readonly args: readonly GqlArgument[];
}
export interface GqlField {
  readonly kind: 'Field';
  readonly alias: string | undefined;
  readonly name: string;
  readonly args: readonly GqlArgument[];
  readonly directives: readonly GqlDirective[];
  readonly selections: readonly GqlSelection[] | undefined;
  readonly loc: GqlLocation;
}
export interface GqlFragmentSpread {
  readonly kind: 'FragmentSpread';
  readonly name: string;
  readonly directives: readonly GqlDirective[];
  readonly loc: GqlLocation;
}
export interface GqlInlineFragment {
  readonly kind: 'InlineFragment';
  readonly typeCondition: string | undefined;
  readonly directives: readonly GqlDirective[];
  readonly selections: readonly GqlSelection[];
  readonly loc: GqlLocation;
}
export type GqlSelection = GqlField | GqlFragmentSpread | GqlInlineFragment;

export interface GqlVariableDefinition {
  readonly name: string;
  /** The type as written, e.g. `[String!]!`. */
  readonly type: string;
  readonly defaultValue: GqlValue | undefined;
}
export interface GqlOperation {
  readonly operation: 'query' | 'mutation' | 'subscription';
  readonly name: string | undefined;
  readonly variables: readonly GqlVariableDefinition[];
  readonly selections: readonly GqlSelection[];
  readonly loc: GqlLocation;
}
export interface GqlFragment {
  readonly name: string;
  readonly typeCondition: string;
  readonly selections: readonly GqlSelection[];
  readonly loc: GqlLocation;
}
export interface GqlDocument {
  readonly operations: readonly GqlOperation[];
  readonly fragments: ReadonlyMap<string, GqlFragment>;
}
