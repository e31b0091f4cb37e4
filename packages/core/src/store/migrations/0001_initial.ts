import type { Migration } from './migration.js';

/**
 * The first schema. Two schemas with different promises:
 * - `connectd` is a PUBLIC interface: apps query it with SQL. One table per canonical entity,
 *   plural snake_case, keyed by (tenant_id, natural_key), with typed columns for the entity's
 *   fields, the source of the row, and `data` (the whole mapped entity). Column names and types
 *   only ever grow; renames and drops need a deprecation period.
 * - `connectd_engine` is private to connectd and may change in any release.
 *
 * Entity fields are nullable on purpose: the canonical entity JSON Schemas (mapping/) decide what
 * a valid entity is before a row is written; NOT NULL is kept for identity and source columns.
 * Status-like columns have named CHECK constraints so a later migration can drop and replace them.
 * Runs in one transaction on both Postgres and PGlite: no CONCURRENTLY, no extensions.
 */
const SQL = `
create schema if not exists connectd;
comment on schema connectd is 'connectd canonical entities: a public, SQL-queryable interface';
create schema if not exists connectd_engine;
comment on schema connectd_engine is 'connectd internal state: not a public interface';

-- ---------------------------------------------------------------- engine: tenants and connections
create table connectd_engine.tenants (
  id          text primary key,
  name        text,
  metadata    jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

create table connectd_engine.connections (
  id                 text primary key,
  connector          text not null,
  tenant_id          text not null references connectd_engine.tenants (id) on delete cascade,
  -- The vendor's id for the connected account (shop domain, merchant id): webhooks route by it.
  vendor_account_id  text,
  status             text not null default 'active'
                     constraint connections_status_check check (status in ('active', 'needs_reauth', 'disabled')),
  config             jsonb not null default '{}'::jsonb,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now()
);
create index connections_tenant_idx on connectd_engine.connections (tenant_id);
create index connections_connector_status_idx on connectd_engine.connections (connector, status);
create index connections_vendor_account_idx on connectd_engine.connections (connector, vendor_account_id)
  where vendor_account_id is not null;

-- Tokens and keys, encrypted before they get here; the store only keeps bytes.
create table connectd_engine.credentials (
  connection_id  text not null references connectd_engine.connections (id) on delete cascade,
  kind           text not null,
  ciphertext     bytea not null,
  key_id         text not null,
  expires_at     timestamptz,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  primary key (connection_id, kind)
);
create index credentials_expires_idx on connectd_engine.credentials (expires_at) where expires_at is not null;

-- ---------------------------------------------------------------- engine: durable work
create table connectd_engine.jobs (
  id             bigint generated always as identity primary key,
  kind           text not null,
  queue          text not null default 'default',
  connection_id  text references connectd_engine.connections (id) on delete cascade,
  stream         text,
  payload        jsonb not null default '{}'::jsonb,
  status         text not null default 'queued'
                 constraint jobs_status_check check (status in ('queued', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
  priority       integer not null default 0,
  attempts       integer not null default 0,
  max_attempts   integer not null default 5 constraint jobs_max_attempts_check check (max_attempts >= 1),
  run_at         timestamptz not null default now(),
  lease_until    timestamptz,
  locked_by      text,
  -- At most one queued or running job per key: a cron tick or a sync is enqueued once per cluster.
  unique_key     text,
  last_error     text,
  result         jsonb,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  finished_at    timestamptz
);
create unique index jobs_unique_key_live_idx on connectd_engine.jobs (queue, unique_key)
  where unique_key is not null and status in ('queued', 'running');
-- The claim query: FOR UPDATE SKIP LOCKED over due queued jobs, by priority then due time.
create index jobs_claim_idx on connectd_engine.jobs (queue, priority desc, run_at) where status = 'queued';
create index jobs_lease_idx on connectd_engine.jobs (lease_until) where status = 'running';
create index jobs_connection_idx on connectd_engine.jobs (connection_id, stream) where connection_id is not null;

create table connectd_engine.checkpoints (
  connection_id    text not null references connectd_engine.connections (id) on delete cascade,
  stream           text not null,
  cursor           jsonb,
  -- Vendor-defined (a timestamp or a sequence number), kept as the vendor wrote it.
  high_water_mark  text,
  updated_at       timestamptz not null default now(),
  primary key (connection_id, stream)
);

create table connectd_engine.sync_runs (
  id             bigint generated always as identity primary key,
  connection_id  text not null references connectd_engine.connections (id) on delete cascade,
  stream         text not null,
  job_id         bigint,
  mode           text not null default 'incremental'
                 constraint sync_runs_mode_check check (mode in ('incremental', 'full')),
  started_at     timestamptz not null default now(),
  finished_at    timestamptz,
  records        bigint not null default 0,
  pages          integer not null default 0,
  result         text not null default 'running'
                 constraint sync_runs_result_check check (result in ('running', 'succeeded', 'failed', 'cancelled')),
  error          text
);
create index sync_runs_stream_idx on connectd_engine.sync_runs (connection_id, stream, started_at desc);

-- Raw webhook deliveries, written before the 2xx so none is lost; headers are stored without
-- credentials (the receiver strips them).
create table connectd_engine.webhook_inbox (
  id               bigint generated always as identity primary key,
  connector        text not null,
  connection_id    text references connectd_engine.connections (id) on delete set null,
  routing_key      text,
  dedupe_key       text not null,
  event_type       text,
  headers          jsonb not null default '{}'::jsonb,
  raw_body         bytea not null,
  received_at      timestamptz not null default now(),
  status           text not null default 'received'
                   constraint webhook_inbox_status_check check (status in ('received', 'processing', 'processed', 'failed', 'dead', 'ignored')),
  attempts         integer not null default 0,
  next_attempt_at  timestamptz not null default now(),
  processed_at     timestamptz,
  last_error       text,
  constraint webhook_inbox_dedupe_key unique (connector, dedupe_key)
);
create index webhook_inbox_pending_idx on connectd_engine.webhook_inbox (next_attempt_at)
  where status in ('received', 'failed');
create index webhook_inbox_received_idx on connectd_engine.webhook_inbox (received_at);

create table connectd_engine.dead_letters (
  id             bigint generated always as identity primary key,
  source_kind    text not null
                 constraint dead_letters_source_kind_check check (source_kind in ('sync', 'webhook', 'action', 'job')),
  connector      text not null,
  connection_id  text,
  stream         text,
  run_id         bigint references connectd_engine.sync_runs (id) on delete set null,
  payload        jsonb,
  raw            bytea,
  error_code     text not null,
  reason         text not null,
  created_at     timestamptz not null default now(),
  replayed_at    timestamptz
);
create index dead_letters_open_idx on connectd_engine.dead_letters (connector, created_at) where replayed_at is null;
create index dead_letters_connection_idx on connectd_engine.dead_letters (connection_id, stream) where connection_id is not null;

-- Vendor ids to canonical natural keys, for $store(location_id) and $product(variant_id).
create table connectd_engine.vendor_id_map (
  tenant_id    text not null,
  connector    text not null,
  kind         text not null,
  vendor_id    text not null,
  natural_key  text not null,
  updated_at   timestamptz not null default now(),
  primary key (tenant_id, connector, kind, vendor_id)
);
create index vendor_id_map_natural_key_idx on connectd_engine.vendor_id_map (tenant_id, kind, natural_key);

-- ---------------------------------------------------------------- public: canonical entities
create table connectd.stores (
  tenant_id           text not null,
  natural_key         text not null,
  name                text,
  vendor_location_id  text,
  address             jsonb,
  currency            text,
  timezone            text,
  active              boolean,
  connector           text not null,
  connection_id       text,
  vendor_id           text,
  vendor_updated_at   timestamptz,
  data                jsonb not null,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  constraint stores_pkey primary key (tenant_id, natural_key)
);

create table connectd.products (
  tenant_id          text not null,
  natural_key        text not null,
  sku                text,
  name               text,
  price              numeric,
  currency           text,
  barcode            text,
  vendor_variant_id  text,
  connector          text not null,
  connection_id      text,
  vendor_id          text,
  vendor_updated_at  timestamptz,
  data               jsonb not null,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint products_pkey primary key (tenant_id, natural_key)
);
create index products_sku_idx on connectd.products (tenant_id, sku);
create index products_barcode_idx on connectd.products (tenant_id, barcode) where barcode is not null;

create table connectd.inventory_levels (
  tenant_id          text not null,
  natural_key        text not null,
  store_key          text,
  product_key        text,
  quantity           numeric,
  as_of              timestamptz,
  connector          text not null,
  connection_id      text,
  vendor_id          text,
  vendor_updated_at  timestamptz,
  data               jsonb not null,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint inventory_levels_pkey primary key (tenant_id, natural_key)
);
create index inventory_levels_store_idx on connectd.inventory_levels (tenant_id, store_key, product_key);
create index inventory_levels_product_idx on connectd.inventory_levels (tenant_id, product_key);

create table connectd.transactions (
  tenant_id              text not null,
  natural_key            text not null,
  store_key              text,
  product_key            text,
  quantity               numeric,
  unit_price             numeric,
  currency               text,
  occurred_at            timestamptz,
  vendor_transaction_id  text,
  connector              text not null,
  connection_id          text,
  vendor_id              text,
  vendor_updated_at      timestamptz,
  data                   jsonb not null,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  constraint transactions_pkey primary key (tenant_id, natural_key)
);
create index transactions_occurred_idx on connectd.transactions (tenant_id, occurred_at);
create index transactions_store_idx on connectd.transactions (tenant_id, store_key, occurred_at);
create index transactions_product_idx on connectd.transactions (tenant_id, product_key, occurred_at);

create table connectd.orders (
  tenant_id          text not null,
  natural_key        text not null,
  external_id        text,
  customer_email     text,
  lines              jsonb,
  status             text,
  tracking_number    text,
  shipped_at         timestamptz,
  connector          text not null,
  connection_id      text,
  vendor_id          text,
  vendor_updated_at  timestamptz,
  data               jsonb not null,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint orders_pkey primary key (tenant_id, natural_key)
);
create index orders_external_id_idx on connectd.orders (tenant_id, external_id);
create index orders_status_idx on connectd.orders (tenant_id, status);

-- Every entity table: "what changed since" reads by apps, and lookups by source.
create index stores_updated_idx on connectd.stores (tenant_id, updated_at);
create index products_updated_idx on connectd.products (tenant_id, updated_at);
create index inventory_levels_updated_idx on connectd.inventory_levels (tenant_id, updated_at);
create index transactions_updated_idx on connectd.transactions (tenant_id, updated_at);
create index orders_updated_idx on connectd.orders (tenant_id, updated_at);
create index stores_source_idx on connectd.stores (connector, vendor_id);
create index products_source_idx on connectd.products (connector, vendor_id);
create index inventory_levels_source_idx on connectd.inventory_levels (connector, vendor_id);
create index transactions_source_idx on connectd.transactions (connector, vendor_id);
create index orders_source_idx on connectd.orders (connector, vendor_id);
`;

export const migration0001Initial: Migration = { name: '0001_initial', sql: SQL };
