-- Schema version 2: a change-log row keeps the ids its commit or curation changed, so a
-- replica following `changes` knows what to read again (JSON: entities, relations,
-- removed_entities, removed_relations, merged, and a curation's event).
ALTER TABLE changes ADD COLUMN ids TEXT NOT NULL DEFAULT '{}';
