//! The sled key layout, the one place that knows it. One sled tree; every key starts with
//! its record kind, parts after the first are separated by `\0` (ids, folded names and
//! document ids never contain `\0`: they are hex digests or normalised text):
//!
//! | key                                   | value                               |
//! |---------------------------------------|-------------------------------------|
//! | `meta:schema`                         | `SCHEMA_VERSION`, u32 little-endian |
//! | `meta:probe`                          | time of the last write probe        |
//! | `doc:{id}`                            | `DocumentRecord`                    |
//! | `xid:{external id}`                   | document id                         |
//! | `ent:{id}`                            | `EntityRecord`                      |
//! | `name:{folded name}\0{entity}`        | () — the name index                 |
//! | `part:{folded short form}\0{entity}`  | () — the short-form index           |
//! | `wd:{QID}`                            | id of the entity linked to the item |
//! | `rel:{id}`                            | `RelationRecord`                    |
//! | `ev:{relation}\0{document}\0{n:08}`   | `Evidence` (n: its place in the document) |
//! | `men:{entity}\0{document}\0{n:08}`    | `StoredMention` (n: its place in the document) |
//! | `qref:{speaker}\0{document}`          | () — the document quotes the speaker |
//! | `cur:{seq:020}`                       | `CurationEvent`                     |
//! | `merged:{id}`                         | id it was merged into               |
//! | `split:{entity}\0{folded alias}`      | id the alias was split off into     |
//! | `deleted:{document}`                  | seq of the event that deleted it, u64 little-endian |
//!
//! Values are postcard-encoded records unless the table says otherwise. Changing any of
//! this means bumping `SCHEMA_VERSION`.

/// One key of the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key<'a> {
    Schema,
    Probe,
    Document(&'a str),
    ExternalId(&'a str),
    Entity(&'a str),
    Name { folded: &'a str, entity: &'a str },
    Part { folded: &'a str, entity: &'a str },
    Wikidata(&'a str),
    Relation(&'a str),
    Evidence { relation: &'a str, document: &'a str, n: u32 },
    Mention { entity: &'a str, document: &'a str, n: u32 },
    QuoteRef { speaker: &'a str, document: &'a str },
    Curation(u64),
    Merged(&'a str),
    Split { entity: &'a str, folded: &'a str },
    Deleted(&'a str),
}

/// A set of keys that share a beginning, for scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix<'a> {
    Documents,
    Entities,
    Names,
    /// Entities having this folded name.
    Name(&'a str),
    /// Entities having this folded short form.
    Part(&'a str),
    Relations,
    Evidence,
    EvidenceOf(&'a str),
    EvidenceIn {
        relation: &'a str,
        document: &'a str,
    },
    Mentions,
    MentionsOf(&'a str),
    MentionsIn {
        entity: &'a str,
        document: &'a str,
    },
    QuoteRefsOf(&'a str),
    Curations,
    Merges,
    Parts,
    WikidataLinks,
    Splits,
    Deleted,
}

fn join(kind: &str, parts: &[&str]) -> Vec<u8> {
    let mut k = Vec::with_capacity(kind.len() + parts.iter().map(|p| p.len() + 1).sum::<usize>());
    k.extend_from_slice(kind.as_bytes());
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            k.push(0);
        }
        k.extend_from_slice(p.as_bytes());
    }
    k
}

/// A mention's or evidence's place in its document, as written in keys.
fn ordinal(n: u32) -> String {
    format!("{n:08}")
}

impl Key<'_> {
    pub fn bytes(&self) -> Vec<u8> {
        match *self {
            Key::Schema => b"meta:schema".to_vec(),
            Key::Probe => b"meta:probe".to_vec(),
            Key::Document(id) => join("doc:", &[id]),
            Key::ExternalId(xid) => join("xid:", &[xid]),
            Key::Entity(id) => join("ent:", &[id]),
            Key::Name { folded, entity } => join("name:", &[folded, entity]),
            Key::Part { folded, entity } => join("part:", &[folded, entity]),
            Key::Wikidata(qid) => join("wd:", &[qid]),
            Key::Relation(id) => join("rel:", &[id]),
            Key::Evidence { relation, document, n } => join("ev:", &[relation, document, &ordinal(n)]),
            Key::Mention { entity, document, n } => join("men:", &[entity, document, &ordinal(n)]),
            Key::QuoteRef { speaker, document } => join("qref:", &[speaker, document]),
            Key::Curation(seq) => join("cur:", &[&format!("{seq:020}")]),
            Key::Merged(id) => join("merged:", &[id]),
            Key::Split { entity, folded } => join("split:", &[entity, folded]),
            Key::Deleted(id) => join("deleted:", &[id]),
        }
    }
}

impl Prefix<'_> {
    pub fn bytes(&self) -> Vec<u8> {
        // A prefix ending in a part is followed by its separator, so that "e1" does not
        // also find "e12".
        let open = |kind: &str, parts: &[&str]| {
            let mut k = join(kind, parts);
            k.push(0);
            k
        };
        match *self {
            Prefix::Documents => b"doc:".to_vec(),
            Prefix::Entities => b"ent:".to_vec(),
            Prefix::Names => b"name:".to_vec(),
            Prefix::Name(folded) => open("name:", &[folded]),
            Prefix::Part(folded) => open("part:", &[folded]),
            Prefix::Relations => b"rel:".to_vec(),
            Prefix::Evidence => b"ev:".to_vec(),
            Prefix::EvidenceOf(relation) => open("ev:", &[relation]),
            Prefix::EvidenceIn { relation, document } => open("ev:", &[relation, document]),
            Prefix::Mentions => b"men:".to_vec(),
            Prefix::MentionsOf(entity) => open("men:", &[entity]),
            Prefix::MentionsIn { entity, document } => open("men:", &[entity, document]),
            Prefix::QuoteRefsOf(speaker) => open("qref:", &[speaker]),
            Prefix::Curations => b"cur:".to_vec(),
            Prefix::Merges => b"merged:".to_vec(),
            Prefix::Parts => b"part:".to_vec(),
            Prefix::WikidataLinks => b"wd:".to_vec(),
            Prefix::Splits => b"split:".to_vec(),
            Prefix::Deleted => b"deleted:".to_vec(),
        }
    }
}

/// The parts of a key after its kind (`name:` in `name:rutte\0e12`), split at `\0`, or
/// None when the key is not of that kind.
fn parts<'k>(key: &'k [u8], kind: &str) -> Option<Vec<&'k str>> {
    let rest = key.strip_prefix(kind.as_bytes())?;
    std::str::from_utf8(rest).ok().map(|s| s.split('\0').collect())
}

/// `(folded name, entity)` of a `name:` key.
pub fn parse_name(key: &[u8]) -> Option<(&str, &str)> {
    match parts(key, "name:")?.as_slice() {
        [folded, entity] => Some((folded, entity)),
        _ => None,
    }
}

/// `(folded short form, entity)` of a `part:` key.
pub fn parse_part(key: &[u8]) -> Option<(&str, &str)> {
    match parts(key, "part:")?.as_slice() {
        [folded, entity] => Some((folded, entity)),
        _ => None,
    }
}

/// The QID of a `wd:` key.
pub fn parse_wikidata(key: &[u8]) -> Option<&str> {
    match parts(key, "wd:")?.as_slice() {
        [qid] => Some(qid),
        _ => None,
    }
}

/// `(entity, folded alias)` of a `split:` key.
pub fn parse_split(key: &[u8]) -> Option<(&str, &str)> {
    match parts(key, "split:")?.as_slice() {
        [entity, folded] => Some((entity, folded)),
        _ => None,
    }
}

/// The document of a `deleted:` key.
pub fn parse_deleted(key: &[u8]) -> Option<&str> {
    match parts(key, "deleted:")?.as_slice() {
        [document] => Some(document),
        _ => None,
    }
}

/// The relation of an `ev:` key.
pub fn parse_evidence_relation(key: &[u8]) -> Option<&str> {
    match parts(key, "ev:")?.as_slice() {
        [relation, _, _] => Some(relation),
        _ => None,
    }
}

/// The entity of a `name:` or `part:` key found under `Prefix::Name` or `Prefix::Part`.
pub fn parse_indexed_entity(key: &[u8]) -> Option<&str> {
    let kind = if key.starts_with(b"name:") { "name:" } else { "part:" };
    match parts(key, kind)?.as_slice() {
        [_, entity] => Some(entity),
        _ => None,
    }
}

/// The document of a `qref:` key.
pub fn parse_quote_ref(key: &[u8]) -> Option<&str> {
    match parts(key, "qref:")?.as_slice() {
        [_, document] => Some(document),
        _ => None,
    }
}

/// The merged-away id of a `merged:` key.
pub fn parse_merged(key: &[u8]) -> Option<&str> {
    match parts(key, "merged:")?.as_slice() {
        [id] => Some(id),
        _ => None,
    }
}

/// The place in its document of a `men:` or `ev:` key.
pub fn parse_ordinal(key: &[u8]) -> Option<u32> {
    let kind = if key.starts_with(b"men:") { "men:" } else { "ev:" };
    match parts(key, kind)?.as_slice() {
        [_, _, n] => n.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_written_as_the_layout_says_and_parse_back() {
        let name = Key::Name { folded: "mark rutte", entity: "e1" }.bytes();
        assert_eq!(name, b"name:mark rutte\0e1");
        assert_eq!(parse_name(&name), Some(("mark rutte", "e1")));
        assert_eq!(parse_indexed_entity(&name), Some("e1"));
        let mention = Key::Mention { entity: "e1", document: "d9", n: 7 }.bytes();
        assert_eq!(mention, b"men:e1\x00d9\x0000000007");
        assert_eq!(parse_ordinal(&mention), Some(7));
        assert!(mention.starts_with(&Prefix::MentionsIn { entity: "e1", document: "d9" }.bytes()));
        assert!(!Key::Mention { entity: "e12", document: "d9", n: 0 }
            .bytes()
            .starts_with(&Prefix::MentionsOf("e1").bytes()));
        assert_eq!(Key::Curation(3).bytes(), b"cur:00000000000000000003");
        assert_eq!(parse_quote_ref(&Key::QuoteRef { speaker: "e1", document: "d2" }.bytes()), Some("d2"));
        assert_eq!(parse_merged(&Key::Merged("e5").bytes()), Some("e5"));
        assert_eq!(parse_name(b"name:no-separator"), None);
        assert_eq!(parse_part(&Key::Part { folded: "rutte", entity: "e1" }.bytes()), Some(("rutte", "e1")));
        assert_eq!(parse_wikidata(&Key::Wikidata("Q57792").bytes()), Some("Q57792"));
        assert_eq!(parse_split(&Key::Split { entity: "e1", folded: "jansen" }.bytes()), Some(("e1", "jansen")));
        assert_eq!(parse_deleted(&Key::Deleted("d2").bytes()), Some("d2"));
        let evidence = Key::Evidence { relation: "r1", document: "d2", n: 3 }.bytes();
        assert_eq!((parse_evidence_relation(&evidence), parse_ordinal(&evidence)), (Some("r1"), Some(3)));
    }
}
