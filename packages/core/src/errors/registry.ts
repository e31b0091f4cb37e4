import type { ErrorFactory } from './define-error.js';
import * as core from './codes/core.js';
import * as config from './codes/config.js';
import * as plugin from './codes/plugin.js';
import * as store from './codes/store.js';
import * as daemon from './codes/daemon.js';
import * as sync from './codes/sync.js';
import * as auth from './codes/auth.js';
import * as pagination from './codes/pagination.js';
import * as http from './codes/http.js';
import * as jobs from './codes/jobs.js';
import * as mapping from './codes/mapping.js';
import * as webhooks from './codes/webhooks.js';
import * as webhookProcessing from './codes/webhooks-processing.js';
import * as vault from './codes/vault.js';
import * as oauthToken from './codes/oauth-token.js';
import * as oauthConsent from './codes/oauth-consent.js';
import * as oauthRefresh from './codes/oauth-refresh.js';
import * as connections from './codes/connections.js';
import * as actions from './codes/actions.js';
import * as project from './codes/project.js';
import * as outbound from './codes/outbound.js';
import * as changes from './codes/changes.js';
import * as flows from './codes/flows.js';
import * as scaffold from './codes/scaffold.js';

const areas = { core, config, plugin, store, daemon, auth, pagination, http, jobs, mapping, sync, webhooks, webhook_processing: webhookProcessing, vault,
  oauth_token: oauthToken, oauth_consent: oauthConsent, oauth_refresh: oauthRefresh, connections, actions, project, outbound, changes, flows, scaffold };

function isFactory(value: unknown): value is ErrorFactory<Record<string, unknown>> {
  return typeof value === 'function' && typeof (value as { code?: unknown }).code === 'string';
}

/** Every error connectd can raise, by area; docs/errors.md is tested against this list. */
export const ERROR_REGISTRY: ReadonlyArray<{ area: string; factory: ErrorFactory<Record<string, unknown>> }> =
  Object.entries(areas).flatMap(([area, module]) =>
    Object.values(module as Record<string, unknown>)
      .filter(isFactory)
      .map((factory) => ({ area, factory })),
  );
