//! The sled key layout, the one place that knows it. One sled tree; every key starts with
//! its record kind. Ids are written in binary (`id` below: the 12 bytes of an entity's or
//! a relation's digest, the 16 of a document's content hash), which makes them
//! self-delimiting; a text part followed by another part ends with `\0` (folded names
//! never contain `\0`: they are normalised text):
//!
//! | key                                   | value                               |
//! |---------------------------------------|-------------------------------------|
//! | `meta:schema`                         | `SCHEMA_VERSION`, u32 little-endian |
//! | `meta:probe`                          | time of the last write probe        |
//! | `doc:{id}`                            | `DocumentRecord`                    |
//! | `xid:{external id}`                   | document id                         |
//! | `ent:{id}`                            | `EntityRecord` (its `id` left empty: the key has it) |
//! | `name:{folded name}\0{entity}`        | () — the name index                 |
//! | `part:{folded short form}\0{entity}`  | () — the short-form index           |
//! | `wd:{QID}`                            | id of the entity linked to the item |
//! | `rel:{id}`                            | `RelationRecord` (its `id` left empty) |
//! | `ev:{relation}{document}{n}`          | `Evidence` (its `document` left empty; n: its place in the document, u32 big-endian) |
//! | `men:{entity}{document}{n}`           | `StoredMention` (`entity` and `document` left empty; n as for `ev:`) |
//! | `qref:{speaker}{document}`            | () — the document quotes the speaker |
//! | `cur:{seq:020}`                       | `CurationEvent`                     |
//! | `merged:{id}`                         | id it was merged into               |
//! | `split:{entity}{folded alias}`        | id the alias was split off into     |
//! | `deleted:{document}`                  | seq of the event that deleted it, u64 little-endian |
//!
//! An id in a key (`{id}`, `{entity}`, `{document}`, …) is `e` or `r` and the 12 bytes of
//! an id `e`/`r` + 24 hex digits, `d` and the 16 bytes of a 32-hex-digit document id, or
//! (any other id: tests, hand-made stores) `~`, the id's text and `\0`. Binary ids sort as
//! their hex did, so scans keep their order.
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

/// Digest ids as they are made (`resolve::entity_id`, `ingest::content_id`): a kind
/// letter and 24 hex digits, or 32 hex digits.
fn digest_bytes(hex: &str) -> Option<Vec<u8>> {
    let lower_hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
    if hex.len() % 2 != 0 || !hex.as_bytes().iter().all(lower_hex) {
        return None;
    }
    let nibble = |b: u8| if b.is_ascii_digit() { b - b'0' } else { b - b'a' + 10 };
    Some(hex.as_bytes().chunks(2).map(|p| nibble(p[0]) << 4 | nibble(p[1])).collect())
}

/// Write an id as the layout says (see the module docs).
fn push_id(key: &mut Vec<u8>, id: &str) {
    let binary = match id.as_bytes().first() {
        Some(&kind @ (b'e' | b'r')) if id.len() == 25 => digest_bytes(&id[1..]).map(|b| (kind, b)),
        Some(_) if id.len() == 32 => digest_bytes(id).map(|b| (b'd', b)),
        _ => None,
    };
    match binary {
        Some((kind, bytes)) => {
            key.push(kind);
            key.extend_from_slice(&bytes);
        }
        None => {
            key.push(b'~');
            key.extend_from_slice(id.as_bytes());
            key.push(0);
        }
    }
}

/// Builds a key part by part.
struct Writer(Vec<u8>);

impl Writer {
    fn new(kind: &str) -> Self {
        Self(kind.as_bytes().to_vec())
    }
    fn id(mut self, id: &str) -> Self {
        push_id(&mut self.0, id);
        self
    }
    /// A text part with more parts after it.
    fn text(mut self, text: &str) -> Self {
        self.0.extend_from_slice(text.as_bytes());
        self.0.push(0);
        self
    }
    /// The last part, text.
    fn last_text(mut self, text: &str) -> Vec<u8> {
        self.0.extend_from_slice(text.as_bytes());
        self.0
    }
    fn ordinal(mut self, n: u32) -> Self {
        self.0.extend_from_slice(&n.to_be_bytes());
        self
    }
    fn done(self) -> Vec<u8> {
        self.0
    }
}

/// Reads a key's parts back, in the order they were written.
struct Reader<'k>(&'k [u8]);

impl<'k> Reader<'k> {
    /// The parts after `kind`, or None when the key is not of that kind.
    fn new(key: &'k [u8], kind: &str) -> Option<Self> {
        key.strip_prefix(kind.as_bytes()).map(Reader)
    }
    fn id(&mut self) -> Option<String> {
        let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let (&kind, rest) = self.0.split_first()?;
        let (id, rest) = match kind {
            b'e' | b'r' if rest.len() >= 12 => (format!("{}{}", kind as char, hex(&rest[..12])), &rest[12..]),
            b'd' if rest.len() >= 16 => (hex(&rest[..16]), &rest[16..]),
            b'~' => {
                let end = rest.iter().position(|&b| b == 0)?;
                (std::str::from_utf8(&rest[..end]).ok()?.to_string(), &rest[end + 1..])
            }
            _ => return None,
        };
        self.0 = rest;
        Some(id)
    }
    fn text(&mut self) -> Option<&'k str> {
        let end = self.0.iter().position(|&b| b == 0)?;
        let text = std::str::from_utf8(&self.0[..end]).ok()?;
        self.0 = &self.0[end + 1..];
        Some(text)
    }
    fn last_text(self) -> Option<&'k str> {
        std::str::from_utf8(self.0).ok()
    }
    fn ordinal(&mut self) -> Option<u32> {
        let (n, rest) = self.0.split_first_chunk::<4>()?;
        self.0 = rest;
        Some(u32::from_be_bytes(*n))
    }
    /// Nothing may follow the last part.
    fn end<T>(self, value: T) -> Option<T> {
        self.0.is_empty().then_some(value)
    }
}

impl Key<'_> {
    pub fn bytes(&self) -> Vec<u8> {
        let w = Writer::new;
        match *self {
            Key::Schema => b"meta:schema".to_vec(),
            Key::Probe => b"meta:probe".to_vec(),
            Key::Document(id) => w("doc:").id(id).done(),
            Key::ExternalId(xid) => w("xid:").last_text(xid),
            Key::Entity(id) => w("ent:").id(id).done(),
            Key::Name { folded, entity } => w("name:").text(folded).id(entity).done(),
            Key::Part { folded, entity } => w("part:").text(folded).id(entity).done(),
            Key::Wikidata(qid) => w("wd:").last_text(qid),
            Key::Relation(id) => w("rel:").id(id).done(),
            Key::Evidence { relation, document, n } => w("ev:").id(relation).id(document).ordinal(n).done(),
            Key::Mention { entity, document, n } => w("men:").id(entity).id(document).ordinal(n).done(),
            Key::QuoteRef { speaker, document } => w("qref:").id(speaker).id(document).done(),
            Key::Curation(seq) => w("cur:").last_text(&format!("{seq:020}")),
            Key::Merged(id) => w("merged:").id(id).done(),
            Key::Split { entity, folded } => w("split:").id(entity).last_text(folded),
            Key::Deleted(id) => w("deleted:").id(id).done(),
        }
    }
}

impl Prefix<'_> {
    pub fn bytes(&self) -> Vec<u8> {
        // Ids are self-delimiting and a text part ends with `\0`, so that "e1" does not
        // also find "e12".
        let w = Writer::new;
        match *self {
            Prefix::Documents => b"doc:".to_vec(),
            Prefix::Entities => b"ent:".to_vec(),
            Prefix::Names => b"name:".to_vec(),
            Prefix::Name(folded) => w("name:").text(folded).done(),
            Prefix::Part(folded) => w("part:").text(folded).done(),
            Prefix::Relations => b"rel:".to_vec(),
            Prefix::Evidence => b"ev:".to_vec(),
            Prefix::EvidenceOf(relation) => w("ev:").id(relation).done(),
            Prefix::EvidenceIn { relation, document } => w("ev:").id(relation).id(document).done(),
            Prefix::Mentions => b"men:".to_vec(),
            Prefix::MentionsOf(entity) => w("men:").id(entity).done(),
            Prefix::MentionsIn { entity, document } => w("men:").id(entity).id(document).done(),
            Prefix::QuoteRefsOf(speaker) => w("qref:").id(speaker).done(),
            Prefix::Curations => b"cur:".to_vec(),
            Prefix::Merges => b"merged:".to_vec(),
            Prefix::Parts => b"part:".to_vec(),
            Prefix::WikidataLinks => b"wd:".to_vec(),
            Prefix::Splits => b"split:".to_vec(),
            Prefix::Deleted => b"deleted:".to_vec(),
        }
    }
}

/// The id of a `doc:`, `ent:` or `rel:` key.
pub fn parse_record_id(key: &[u8]) -> Option<String> {
    let kind = ["doc:", "ent:", "rel:"].into_iter().find(|k| key.starts_with(k.as_bytes()))?;
    let mut r = Reader::new(key, kind)?;
    let id = r.id()?;
    r.end(id)
}

/// `(folded name, entity)` of a `name:` key.
pub fn parse_name(key: &[u8]) -> Option<(String, String)> {
    let mut r = Reader::new(key, "name:")?;
    let (folded, entity) = (r.text()?.to_string(), r.id()?);
    r.end((folded, entity))
}

/// `(folded short form, entity)` of a `part:` key.
pub fn parse_part(key: &[u8]) -> Option<(String, String)> {
    let mut r = Reader::new(key, "part:")?;
    let (folded, entity) = (r.text()?.to_string(), r.id()?);
    r.end((folded, entity))
}

/// The QID of a `wd:` key.
pub fn parse_wikidata(key: &[u8]) -> Option<&str> {
    Reader::new(key, "wd:")?.last_text()
}

/// `(entity, folded alias)` of a `split:` key.
pub fn parse_split(key: &[u8]) -> Option<(String, String)> {
    let mut r = Reader::new(key, "split:")?;
    let entity = r.id()?;
    Some((entity, r.last_text()?.to_string()))
}

/// The document of a `deleted:` key.
pub fn parse_deleted(key: &[u8]) -> Option<String> {
    let mut r = Reader::new(key, "deleted:")?;
    let document = r.id()?;
    r.end(document)
}

/// `(relation, document, n)` of an `ev:` key.
pub fn parse_evidence(key: &[u8]) -> Option<(String, String, u32)> {
    let mut r = Reader::new(key, "ev:")?;
    let (relation, document, n) = (r.id()?, r.id()?, r.ordinal()?);
    r.end((relation, document, n))
}

/// `(entity, document, n)` of a `men:` key.
pub fn parse_mention(key: &[u8]) -> Option<(String, String, u32)> {
    let mut r = Reader::new(key, "men:")?;
    let (entity, document, n) = (r.id()?, r.id()?, r.ordinal()?);
    r.end((entity, document, n))
}

/// The place in its document of a `men:` or `ev:` key.
pub fn parse_ordinal(key: &[u8]) -> Option<u32> {
    parse_mention(key).or_else(|| parse_evidence(key)).map(|(_, _, n)| n)
}

/// The entity of a `name:` or `part:` key found under `Prefix::Name` or `Prefix::Part`.
pub fn parse_indexed_entity(key: &[u8]) -> Option<String> {
    parse_name(key).or_else(|| parse_part(key)).map(|(_, entity)| entity)
}

/// The document of a `qref:` key.
pub fn parse_quote_ref(key: &[u8]) -> Option<String> {
    let mut r = Reader::new(key, "qref:")?;
    let (_, document) = (r.id()?, r.id()?);
    r.end(document)
}

/// The merged-away id of a `merged:` key.
pub fn parse_merged(key: &[u8]) -> Option<String> {
    let mut r = Reader::new(key, "merged:")?;
    let id = r.id()?;
    r.end(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTITY: &str = "e0123456789abcdef01234567";
    const DOCUMENT: &str = "00112233445566778899aabbccddeeff";

    #[test]
    fn keys_are_written_as_the_layout_says_and_parse_back() {
        let name = Key::Name { folded: "mark rutte", entity: "e1" }.bytes();
        assert_eq!(name, b"name:mark rutte\0~e1\0");
        assert_eq!(parse_name(&name), Some(("mark rutte".into(), "e1".into())));
        assert_eq!(parse_indexed_entity(&name), Some("e1".into()));
        let mention = Key::Mention { entity: "e1", document: "d9", n: 7 }.bytes();
        assert_eq!(mention, b"men:~e1\0~d9\0\0\0\0\x07");
        assert_eq!(parse_mention(&mention), Some(("e1".into(), "d9".into(), 7)));
        assert!(mention.starts_with(&Prefix::MentionsIn { entity: "e1", document: "d9" }.bytes()));
        assert!(!Key::Mention { entity: "e12", document: "d9", n: 0 }
            .bytes()
            .starts_with(&Prefix::MentionsOf("e1").bytes()));
        assert_eq!(Key::Curation(3).bytes(), b"cur:00000000000000000003");
        assert_eq!(parse_quote_ref(&Key::QuoteRef { speaker: "e1", document: "d2" }.bytes()), Some("d2".into()));
        assert_eq!(parse_merged(&Key::Merged("e5").bytes()), Some("e5".into()));
        assert_eq!(parse_name(b"name:no-separator"), None);
        assert_eq!(
            parse_part(&Key::Part { folded: "rutte", entity: "e1" }.bytes()),
            Some(("rutte".into(), "e1".into()))
        );
        assert_eq!(parse_wikidata(&Key::Wikidata("Q57792").bytes()), Some("Q57792"));
        assert_eq!(
            parse_split(&Key::Split { entity: "e1", folded: "jansen" }.bytes()),
            Some(("e1".into(), "jansen".into()))
        );
        assert_eq!(parse_deleted(&Key::Deleted("d2").bytes()), Some("d2".into()));
        let evidence = Key::Evidence { relation: "r1", document: "d2", n: 3 }.bytes();
        assert_eq!(parse_evidence(&evidence), Some(("r1".into(), "d2".into(), 3)));
    }

    #[test]
    fn digest_ids_are_written_in_binary_and_keep_their_order() {
        let mention = Key::Mention { entity: ENTITY, document: DOCUMENT, n: 1 }.bytes();
        // Kind, 1 + 12 bytes of entity, 1 + 16 of document, 4 of place.
        assert_eq!(mention.len(), 4 + 13 + 17 + 4);
        assert_eq!(parse_mention(&mention), Some((ENTITY.into(), DOCUMENT.into(), 1)));
        assert_eq!(parse_record_id(&Key::Entity(ENTITY).bytes()), Some(ENTITY.into()));
        assert_eq!(parse_record_id(&Key::Document(DOCUMENT).bytes()), Some(DOCUMENT.into()));
        let relation = "rffeeddccbbaa99887766554433";
        assert_eq!(Key::Relation(relation).bytes(), format!("rel:~{relation}\0").as_bytes(), "too long for a digest");
        assert_eq!(parse_record_id(&Key::Relation(relation).bytes()), Some(relation.into()));
        // Upper-case hex is not how ids are made: kept as text, and it reads back as written.
        let upper = "E0123456789ABCDEF01234567";
        assert_eq!(parse_record_id(&Key::Entity(upper).bytes()), Some(upper.into()));
        let (a, b) = ("e0000000000000000000000ff", "e000000000000000000000100");
        assert!(Key::Entity(a).bytes() < Key::Entity(b).bytes());
        let later = Key::Mention { entity: ENTITY, document: DOCUMENT, n: 256 }.bytes();
        assert!(mention < later, "places sort by number");
    }
}
