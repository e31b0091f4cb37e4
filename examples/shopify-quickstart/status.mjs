#!/usr/bin/env node
// Step 6 of the Shopify quickstart: `connectd status` with the quickstart's environment.
//
//   node examples/shopify-quickstart/status.mjs         (best with start-daemon.mjs running)
//
// With the daemon running it answers (on PORT, with CONNECTD_ADMIN_TOKEN): the connectors, the
// connection shopify-demo with its circuit breaker, and per stream the last run, the next one and
// the checkpoint. Without a daemon it reads the store itself, and then lists only connections
// declared in a config file, not the one made by consent (see the README, "What to look at").
import { connectd } from './settings.mjs';

const { code } = await connectd(['status']);
process.exit(code ?? 1);
