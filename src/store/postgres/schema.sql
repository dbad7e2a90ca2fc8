-- kennisgraaf on PostgreSQL, schema version 1 (see docs/postgres.md).
-- Portable SQL: no extensions, no server-side functions. Lists and maps that nobody
-- joins on (sentence spans, roles, type votes, quote subjects) are JSON in text columns.

CREATE TABLE documents (
    id            TEXT PRIMARY KEY,          -- content hash of the normalised text
    external_id   TEXT,                      -- the source's own id (JSONL `id`)
    title         TEXT,
    date          TEXT,                      -- YYYY, YYYY-MM or YYYY-MM-DD
    source        TEXT,
    language      TEXT NOT NULL,
    text          TEXT NOT NULL,
    ingested_at   BIGINT NOT NULL,           -- seconds since the Unix epoch
    sentences     TEXT NOT NULL,             -- JSON [{"start":…,"end":…}, …]
    entity_ids    TEXT NOT NULL,             -- JSON list, in the document's order
    relation_ids  TEXT NOT NULL,             -- JSON list
    mention_count BIGINT NOT NULL
);

CREATE TABLE external_ids (
    external_id TEXT PRIMARY KEY,
    document    TEXT NOT NULL
);

CREATE TABLE quotes (
    document   TEXT NOT NULL,
    n          INTEGER NOT NULL,             -- place in the document
    speaker    TEXT,                         -- entity id
    text       TEXT NOT NULL,
    span_start BIGINT NOT NULL,
    span_end   BIGINT NOT NULL,
    about      TEXT NOT NULL,                -- JSON list of entity ids
    extractor  TEXT NOT NULL,
    kind       TEXT NOT NULL,                -- direct | reported
    PRIMARY KEY (document, n)
);
CREATE INDEX quotes_by_speaker ON quotes (speaker, document);

CREATE TABLE entities (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    entity_type         TEXT NOT NULL,       -- PERSON, ORGANIZATION, LOCATION, …
    mention_count       BIGINT NOT NULL,
    document_count      BIGINT NOT NULL,
    first_seen          TEXT,
    last_seen           TEXT,
    wikidata_qid        TEXT,
    wikidata_label      TEXT,
    wikidata_confidence REAL,
    curated_name        BOOLEAN NOT NULL,
    curated_type        BOOLEAN NOT NULL,
    roles               TEXT NOT NULL,       -- JSON {"burgemeester": 3, …}
    type_votes          TEXT NOT NULL        -- JSON {"PERSON": 12, …}
);

CREATE TABLE aliases (
    entity   TEXT NOT NULL,
    alias    TEXT NOT NULL,                  -- a surface form as written
    mentions BIGINT NOT NULL,
    PRIMARY KEY (entity, alias)
);

-- The name index resolution reads: every name of an entity, folded.
CREATE TABLE entity_names (
    folded TEXT NOT NULL,
    entity TEXT NOT NULL,
    PRIMARY KEY (folded, entity)
);

-- Short forms of names ("sauwens" of "Johan Sauwens").
CREATE TABLE entity_name_parts (
    folded TEXT NOT NULL,
    entity TEXT NOT NULL,
    PRIMARY KEY (folded, entity)
);

-- One entity per Wikidata item.
CREATE TABLE wikidata_links (
    qid    TEXT PRIMARY KEY,
    entity TEXT NOT NULL
);

CREATE TABLE relations (
    id         TEXT PRIMARY KEY,
    source     TEXT NOT NULL,
    target     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    predicate  TEXT NOT NULL,
    weight     BIGINT NOT NULL,
    confidence REAL NOT NULL,
    first_seen TEXT,
    last_seen  TEXT
);
CREATE INDEX relations_by_source ON relations (source);
CREATE INDEX relations_by_target ON relations (target);

CREATE TABLE evidence (
    document   TEXT NOT NULL,
    n          INTEGER NOT NULL,             -- place in the document
    relation   TEXT NOT NULL,
    sentence   BIGINT NOT NULL,
    span_start BIGINT NOT NULL,
    span_end   BIGINT NOT NULL,
    confidence REAL NOT NULL,
    extractor  TEXT NOT NULL,
    PRIMARY KEY (document, n)
);
CREATE INDEX evidence_by_relation ON evidence (relation, document, n);

CREATE TABLE mentions (
    document   TEXT NOT NULL,
    n          INTEGER NOT NULL,             -- place in the document
    entity     TEXT NOT NULL,
    sentence   BIGINT NOT NULL,
    span_start BIGINT NOT NULL,
    span_end   BIGINT NOT NULL,
    text       TEXT NOT NULL,
    confidence REAL NOT NULL,
    source     TEXT NOT NULL,                -- the rule that found it, e.g. ner, coref:pronoun
    PRIMARY KEY (document, n)
);
CREATE INDEX mentions_by_entity ON mentions (entity, document, n);

CREATE TABLE curation_events (
    seq      BIGINT PRIMARY KEY,
    at       TEXT NOT NULL,                  -- ISO 8601 UTC
    reason   TEXT NOT NULL,
    curation TEXT NOT NULL                   -- JSON, as `curation log` prints it
);

CREATE TABLE merged_entities (
    from_id TEXT PRIMARY KEY,
    into_id TEXT NOT NULL
);

CREATE TABLE split_aliases (
    entity  TEXT NOT NULL,
    folded  TEXT NOT NULL,
    into_id TEXT NOT NULL,
    PRIMARY KEY (entity, folded)
);

CREATE TABLE deleted_documents (
    document TEXT PRIMARY KEY,
    seq      BIGINT NOT NULL                 -- the curation event that deleted it
);

-- Every commit and curation appends one row in its own transaction.
CREATE TABLE changes (
    seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind    TEXT NOT NULL,                   -- commit or curation
    subject TEXT NOT NULL,                   -- document id or curation seq
    at      BIGINT NOT NULL                  -- seconds since the Unix epoch
);
