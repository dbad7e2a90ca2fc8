// Subscribes over graphql-transport-ws (the `graphql-ws` client) to ingest progress and
// graph changes, then ingests a document through the mutation, deletes it again through
// the curation mutation, and prints what arrived.
// Usage: node live-client.mjs http://127.0.0.1:PORT TOKEN
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [base, token] = process.argv.slice(2);
const client = createClient({ url: base.replace('http', 'ws') + '/graphql/ws', webSocketImpl: WebSocket, lazy: false });

const progress = [];
const changes = [];
const listen = (query, sink) => new Promise((resolve, reject) => {
  const stop = client.subscribe({ query }, {
    next: ({ data }) => { sink.push(data); if (sink.done?.(data)) { stop(); resolve(); } },
    error: reject,
    complete: resolve,
  });
});
progress.done = (d) => d.ingestProgress.stage === 'COMMITTED';
changes.done = () => changes.length >= 2; // the ingest, then the curation
const a = listen('subscription { ingestProgress { stage document source entities relations dropped } }', progress);
const b = listen('subscription { graphChanges { document curation entitiesAdded entitiesUpdated entitiesRemoved relationsAdded relationsUpdated relationsRemoved dropped } }', changes);
await new Promise((r) => setTimeout(r, 300)); // both subscriptions acknowledged

const text = 'date 2019-04\nBurgemeester Aboutaleb van Rotterdam sprak dinsdag in Den Haag met minister Grapperhaus over drugscriminaliteit.';
const mutate = async (query, variables) => (await fetch(base + '/graphql', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify({ query, variables }),
})).json();
const ingested = await mutate('mutation($t: String!) { ingest(documents: [{ text: $t, url: "live-test" }]) { stored } }', { t: text });
const deleted = await mutate('mutation($id: ID!) { deleteDocument(id: $id, reason: "live test") { event { seq } } }', { id: ingested.data.ingest.stored[0] });
await Promise.race([Promise.all([a, b]), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out waiting for events')), 10000))]);
await client.dispose();
console.log(JSON.stringify({ ingested, deleted, progress: progress.map((p) => p.ingestProgress), changes: changes.map((c) => c.graphChanges) }));
