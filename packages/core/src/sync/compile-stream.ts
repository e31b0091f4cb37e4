import type { PaginatorRuntime } from '../connector/index.js';
import { compileRequestTemplate, type RequestTemplate } from '../http/index.js';
import {
  compileOutput,
  compileRecordsPath,
  outputsOf,
  recordMapper,
  type EntityCatalog,
  type MappingFunctionEntry,
  type OutputDeclaration,
} from '../mapping/index.js';
import { walkLimits } from '../pagination/index.js';
import type { IncrementalSpec } from './incremental.js';
import type { PartitionSpec } from './partitions.js';
import type { CompiledStream } from './run-stream.js';

/** A paginator as YAML declares it: its type id plus its options. */
export interface PaginatorUse {
  readonly type: string;
  readonly [option: string]: unknown;
}

/** A stream as connectors.yaml declares it (the fields the runtime reads); the config model fits it. */
export interface StreamDeclaration {
  readonly request: RequestTemplate;
  readonly records?: string | undefined;
  readonly pagination?: PaginatorUse | undefined;
  /** One entity (with `map`), or several through `outputs`. */
  readonly entity?: string | undefined;
  readonly map?: string | undefined;
  readonly outputs?: readonly OutputDeclaration[] | undefined;
  readonly schedule?: string | undefined;
  readonly incremental?: IncrementalSpec | undefined;
  readonly partition?: PartitionSpec | undefined;
}

/** Creates a paginator component (through the registry, with plugin calls wrapped). */
export type PaginatorFactory = (use: PaginatorUse) => PaginatorRuntime;

export interface CompileStreamOptions {
  readonly connector: string;
  readonly name: string;
  readonly baseUrl: string;
  readonly declaration: StreamDeclaration;
  /** The connector-wide default pagination, used when the stream declares none. */
  readonly defaultPagination?: StreamDeclaration['pagination'];
  readonly catalog: EntityCatalog;
  readonly functions: readonly MappingFunctionEntry[];
  readonly paginators: PaginatorFactory;
}

/**
 * Compiles a declared stream once at load: request template, records path, JSONata mapping and
 * paginator options. Throws the mapping's coded compile error (exit 2) for a bad expression.
 * @example
 * const stream = compileStream({ connector: 'storq', name: 'stock', baseUrl, declaration, catalog, functions, paginators });
 */
export function compileStream(options: CompileStreamOptions): CompiledStream {
  const { declaration } = options;
  const label = `${options.connector}.streams.${options.name}`;
  const request = compileRequestTemplate(options.baseUrl, declaration.request);
  const records = compileRecordsPath(declaration.records, { label: `${label}.records` });
  const outputs = outputsOf(declaration).map(({ declaration: output, path }) =>
    compileOutput(output, { catalog: options.catalog, functions: options.functions, label: [label, ...path].join('.') }),
  );
  const pagination = declaration.pagination ?? options.defaultPagination ?? { type: 'none' };
  const { type: _type, ...paginatorOptions } = pagination;
  const mapper = recordMapper(outputs, options.catalog);
  return {
    connector: options.connector,
    name: options.name,
    request,
    createPaginator: () => options.paginators(pagination),
    limits: walkLimits(paginatorOptions),
    records: (page) => records(page.body),
    mapper,
    incremental: declaration.incremental,
    partition: declaration.partition,
  };
}
