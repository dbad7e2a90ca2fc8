// Loads a kennisgraaf Cytoscape.js export into cytoscape (headless) and prints what it holds.
// Usage: node cytoscape-load.js FILE
const fs = require("fs");
const cytoscape = require("cytoscape");
const json = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const cy = cytoscape({ headless: true, elements: json.elements });
const person = cy.nodes('[type = "PERSON"]');
console.log(JSON.stringify({
  nodes: cy.nodes().length,
  edges: cy.edges().length,
  persons: person.length,
  dangling: cy.edges().filter((e) => e.source().empty() || e.target().empty()).length,
  labels: cy.nodes().map((n) => n.data("label")),
  // With --with-evidence: the statements over all edges, and those without their words.
  evidence: cy.edges().reduce((n, e) => n + (e.data("evidence") || []).length, 0),
  evidence_without_text: cy.edges().filter((e) => (e.data("evidence") || []).some((s) => !s.text)).length,
}));
