// What a frontend does with kennisgraaf's API, through a mainstream client library
// (graphql-request): search as you type, an entity page, a neighbourhood for a graph view,
// paginated relations. Prints one JSON summary for the Rust test to check.
// Usage: node frontend-client.mjs http://127.0.0.1:PORT/graphql
import { GraphQLClient, gql } from 'graphql-request';

const client = new GraphQLClient(process.argv[2]);

const typed = [];
for (const prefix of ['a', 'ab', 'abou']) {
  const { search } = await client.request(gql`
    query Search($text: String!) { search(text: $text, first: 10) { id name type } }
  `, { text: prefix });
  typed.push(search.map((e) => e.name));
}
const { search } = await client.request(gql`query { search(text: "Aboutaleb", first: 1) { id } }`);
const id = search[0].id;

const { entity } = await client.request(gql`
  query Entity($id: ID!) {
    entity(id: $id) {
      name type roles wikidataId wikidata { url }
      relations(first: 20) {
        nodes {
          type predicate weight
          source { name } target { name }
          evidence(first: 2) { nodes { text extractor document { date } } }
        }
      }
      quotes(first: 10) { nodes { text } }
    }
  }
`, { id });

const { neighborhood } = await client.request(gql`
  query View($id: ID!) {
    neighborhood(id: $id, depth: 1, limit: 30) { nodes { id name type } edges { type source { id } target { id } } }
  }
`, { id });

const pages = [];
let after = null;
let total = null;
do {
  const { relations } = await client.request(gql`
    query Page($after: String) {
      relations(first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } }
    }
  `, { after });
  total = relations.totalCount;
  pages.push(relations.edges.map((e) => e.node.id));
  after = relations.pageInfo.hasNextPage ? relations.pageInfo.endCursor : null;
} while (after && pages.length < 100);

let notFound = null;
try {
  await client.request(gql`query { entity(id: "nope") { name } nonsense }`);
} catch (e) {
  notFound = e.response?.errors?.[0]?.message ?? String(e);
}

console.log(JSON.stringify({
  typed,
  entity: {
    name: entity.name, type: entity.type, roles: entity.roles, wikidataId: entity.wikidataId,
    url: entity.wikidata?.url, relationTypes: [...new Set(entity.relations.nodes.map((r) => r.type))],
    evidenceTexts: entity.relations.nodes.flatMap((r) => r.evidence.nodes.map((e) => e.text)).length,
    quotes: entity.quotes.nodes.length,
  },
  view: {
    nodes: neighborhood.nodes.length,
    dangling: neighborhood.edges.filter((e) => !neighborhood.nodes.some((n) => n.id === e.source.id)
      || !neighborhood.nodes.some((n) => n.id === e.target.id)).length,
  },
  pages: { count: pages.length, total, seen: pages.flat().length, distinct: new Set(pages.flat()).size },
  invalidQueryError: notFound,
}));
