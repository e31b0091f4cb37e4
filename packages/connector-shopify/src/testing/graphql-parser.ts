import type { GqlArgument, GqlDirective, GqlDocument, GqlFragment, GqlLocation, GqlOperation, GqlSelection, GqlValue, GqlVariableDefinition } from './graphql-ast.js';

/** A syntax error, with where it was found. */
export class GqlSyntaxError extends Error {
  readonly loc: GqlLocation;
  constructor(message: string, loc: GqlLocation) {
    super(`syntax error, ${message} at [${loc.line}, ${loc.column}]`);
    this.loc = loc;
  }
}

type TokenKind = 'punct' | 'name' | 'int' | 'float' | 'string' | 'eof';
interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly loc: GqlLocation;
}

const PUNCT = /^(\.\.\.|[!$():=@[\]{|}&])/;
const NAME = /^[_A-Za-z][_0-9A-Za-z]*/;
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  let line = 1;
  let lineStart = 0;
  const loc = (): GqlLocation => ({ line, column: at - lineStart + 1 });
  while (at < text.length) {
    const char = text[at]!;
    if (char === '\n') {
      at++;
      line++;
      lineStart = at;
      continue;
    }
    if (' \t\r,\uFEFF'.includes(char)) {
      at++;
      continue;
    }
    if (char === '#') {
      while (at < text.length && text[at] !== '\n') at++;
      continue;
    }
    const rest = text.slice(at);
    const block = rest.startsWith('"""');
    if (char === '"') {
      const start = loc();
      const end = block ? rest.indexOf('"""', 3) : findStringEnd(rest);
      if (end < 0) throw new GqlSyntaxError('unterminated string', start);
      const raw = block ? rest.slice(3, end) : rest.slice(0, end + 1);
      tokens.push({ kind: 'string', value: block ? raw : (JSON.parse(raw) as string), loc: start });
      const consumed = block ? end + 3 : end + 1;
      for (let i = 0; i < consumed; i++) if (text[at + i] === '\n') [line, lineStart] = [line + 1, at + i + 1];
      at += consumed;
      continue;
    }
    const match = PUNCT.exec(rest) ?? NAME.exec(rest) ?? NUMBER.exec(rest);
    if (match === null) throw new GqlSyntaxError(`unexpected invalid token ("${char}")`, loc());
    const value = match[0];
    const kind: TokenKind = PUNCT.test(value) ? 'punct' : NAME.test(value) ? 'name' : /[.eE]/.test(value) ? 'float' : 'int';
    tokens.push({ kind, value, loc: loc() });
    at += value.length;
  }
  tokens.push({ kind: 'eof', value: '', loc: loc() });
  return tokens;
}

function findStringEnd(rest: string): number {
  for (let i = 1; i < rest.length; i++) {
    if (rest[i] === '\\') i++;
    else if (rest[i] === '"') return i;
    else if (rest[i] === '\n') return -1;
  }
  return -1;
}

/**
 * Parses a GraphQL document (operations and fragments; the executable subset of the spec:
 * aliases, arguments, variables with defaults, directives, fragment spreads, inline fragments,
 * block strings). Throws {@link GqlSyntaxError} on bad text.
 * @example
 * parseGraphql('query Q($n: Int!) { products(first: $n) { nodes { id } } }').operations[0]!.name; // 'Q'
 */
export function parseGraphql(text: string): GqlDocument {
  return new Parser(tokenize(text)).document();
}

class Parser {
  readonly #tokens: Token[];
  #at = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  #peek(): Token {
    return this.#tokens[this.#at]!;
  }
  #next(): Token {
    return this.#tokens[this.#at++]!;
  }
  #is(value: string): boolean {
    const token = this.#peek();
    return token.kind !== 'string' && token.value === value;
  }
  #expect(value: string): Token {
    const token = this.#next();
    if (token.kind === 'string' || token.value !== value) throw this.#unexpected(token);
    return token;
  }
  #name(): Token {
    const token = this.#next();
    if (token.kind !== 'name') throw this.#unexpected(token);
    return token;
  }
  #unexpected(token: Token): GqlSyntaxError {
    return new GqlSyntaxError(token.kind === 'eof' ? 'unexpected end of file' : `unexpected ${token.kind.toUpperCase()} ("${token.value}")`, token.loc);
  }

  document(): GqlDocument {
    const operations: GqlOperation[] = [];
    const fragments = new Map<string, GqlFragment>();
    while (this.#peek().kind !== 'eof') {
      if (this.#is('fragment')) {
        const loc = this.#next().loc;
        const name = this.#name().value;
        this.#expect('on');
        const typeCondition = this.#name().value;
        fragments.set(name, { name, typeCondition, selections: this.#selectionSet(), loc });
      } else operations.push(this.#operation());
    }
    return { operations, fragments };
  }

  #operation(): GqlOperation {
    const loc = this.#peek().loc;
    if (this.#is('{')) return { operation: 'query', name: undefined, variables: [], selections: this.#selectionSet(), loc };
    const kind = this.#name();
    if (!['query', 'mutation', 'subscription'].includes(kind.value)) throw this.#unexpected(kind);
    const name = this.#peek().kind === 'name' ? this.#next().value : undefined;
    const variables: GqlVariableDefinition[] = [];
    if (this.#is('(')) {
      this.#next();
      while (!this.#is(')')) {
        this.#expect('$');
        const variable = this.#name().value;
        this.#expect(':');
        const type = this.#type();
        const defaultValue = this.#is('=') ? (this.#next(), this.#value(true)) : undefined;
        variables.push({ name: variable, type, defaultValue });
      }
      this.#next();
    }
    this.#directives();
    return { operation: kind.value as GqlOperation['operation'], name, variables, selections: this.#selectionSet(), loc };
  }

  #type(): string {
    let type: string;
    if (this.#is('[')) {
      this.#next();
      type = `[${this.#type()}]`;
      this.#expect(']');
    } else type = this.#name().value;
    if (this.#is('!')) {
      this.#next();
      type += '!';
    }
    return type;
  }

  #selectionSet(): GqlSelection[] {
    this.#expect('{');
    const selections: GqlSelection[] = [];
    while (!this.#is('}')) selections.push(this.#selection());
    this.#next();
    if (selections.length === 0) throw this.#unexpected(this.#tokens[this.#at - 1]!);
    return selections;
  }

  #selection(): GqlSelection {
    const loc = this.#peek().loc;
    if (this.#is('...')) {
      this.#next();
      if (this.#peek().kind === 'name' && this.#peek().value !== 'on') return { kind: 'FragmentSpread', name: this.#next().value, directives: this.#directives(), loc };
      const typeCondition = this.#is('on') ? (this.#next(), this.#name().value) : undefined;
      return { kind: 'InlineFragment', typeCondition, directives: this.#directives(), selections: this.#selectionSet(), loc };
    }
    let name = this.#name().value;
    let alias: string | undefined;
    if (this.#is(':')) {
      this.#next();
      alias = name;
      name = this.#name().value;
    }
    const args = this.#is('(') ? this.#arguments(false) : [];
    const directives = this.#directives();
    const selections = this.#is('{') ? this.#selectionSet() : undefined;
    return { kind: 'Field', alias, name, args, directives, selections, loc };
  }

  #arguments(constant: boolean): GqlArgument[] {
    this.#expect('(');
    const args: GqlArgument[] = [];
    while (!this.#is(')')) {
      const token = this.#name();
      this.#expect(':');
      args.push({ name: token.value, value: this.#value(constant), loc: token.loc });
    }
    this.#next();
    return args;
  }

  #directives(): GqlDirective[] {
    const directives: GqlDirective[] = [];
    while (this.#is('@')) {
      this.#next();
      const name = this.#name().value;
      directives.push({ name, args: this.#is('(') ? this.#arguments(false) : [] });
    }
    return directives;
  }

  #value(constant: boolean): GqlValue {
    const token = this.#next();
    if (token.kind === 'string') return { kind: 'String', value: token.value };
    if (token.kind === 'int') return { kind: 'Int', value: token.value };
    if (token.kind === 'float') return { kind: 'Float', value: token.value };
    if (token.kind === 'name') {
      if (token.value === 'true' || token.value === 'false') return { kind: 'Boolean', value: token.value === 'true' };
      return token.value === 'null' ? { kind: 'Null' } : { kind: 'Enum', value: token.value };
    }
    if (token.value === '$' && !constant) return { kind: 'Variable', name: this.#name().value };
    if (token.value === '[') {
      const values: GqlValue[] = [];
      while (!this.#is(']')) values.push(this.#value(constant));
      this.#next();
      return { kind: 'List', values };
    }
    if (token.value === '{') {
      const fields: { name: string; value: GqlValue }[] = [];
      while (!this.#is('}')) {
        const name = this.#name().value;
        this.#expect(':');
        fields.push({ name, value: this.#value(constant) });
      }
      this.#next();
      return { kind: 'Object', fields };
    }
    throw this.#unexpected(token);
  }
}
