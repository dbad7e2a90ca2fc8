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

// The entity page's relations, paged to the end with `after`, as a "more" button does.
const { entities: hubs } = await client.request(gql`query { entities(orderBy: DEGREE, first: 1) { nodes { id name degree } } }`);
const hub = hubs.nodes[0];
const relationPages = [];
let relationsTotal = null;
let relationsAfter = null;
do {
  const { entity: page } = await client.request(gql`
    fragment RelationRow on Relation { id type predicate source { id name } target { id name } }
    query EntityRelations($id: ID!, $after: String) {
      entity(id: $id) {
        relations(first: 5, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ...RelationRow } }
        }
      }
    }
  `, { id: hub.id, after: relationsAfter });
  relationsTotal = page.relations.totalCount;
  relationPages.push(page.relations.edges.map((e) => e.node.id));
  relationsAfter = page.relations.pageInfo.hasNextPage ? page.relations.pageInfo.endCursor : null;
} while (relationsAfter && relationPages.length < 200);

// Refetch the entity through Relay's `node`, as a normalised cache does.
const { node: refetched } = await client.request(gql`
  query Refetch($id: ID!) { node(id: $id) { __typename id ... on Entity { name degree } } }
`, { id: hub.id });

// An article view: the document's mentions with their spans, highlighted in its text.
const { documents } = await client.request(gql`query { documents(first: 1) { nodes { id } } }`);
const { document: article } = await client.request(gql`
  query Article($id: ID!) {
    document(id: $id) {
      text
      mentions(first: 100) { totalCount nodes { id text start end entity { id name } } }
    }
  }
`, { id: documents.nodes[0].id });
const bytes = new TextEncoder().encode(article.text);
const spanText = (m) => new TextDecoder().decode(bytes.slice(m.start, m.end));
const { node: mentionAgain } = await client.request(gql`
  query Mention($id: ID!) { node(id: $id) { __typename ... on Mention { text start end } } }
`, { id: article.mentions.nodes[0].id });

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
  hubRelations: {
    name: hub.name, degree: hub.degree, total: relationsTotal, pages: relationPages.length,
    seen: relationPages.flat().length, distinct: new Set(relationPages.flat()).size,
  },
  refetched,
  article: {
    mentions: article.mentions.nodes.length,
    total: article.mentions.totalCount,
    spansMatch: article.mentions.nodes.filter((m) => spanText(m) === m.text).length,
    withEntity: article.mentions.nodes.filter((m) => m.entity?.id).length,
    ordered: article.mentions.nodes.every((m, i, all) => i === 0 || all[i - 1].start <= m.start),
  },
  mentionAgain,
}));
