//! The types that cross pipeline stages: plain data with serde derives, no I/O.
//!
//! Invariants:
//! - every byte span (`Span`) indexes the document's normalised `text` and lies on
//!   UTF-8 char boundaries;
//! - ids are lowercase hex digests, stable across runs (see `resolve::entity_id`).

use serde::{Deserialize, Serialize};

/// Half-open byte range `[start, end)` in a document's normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntityType {
    Person,
    Organization,
    Location,
    Law,
    Event,
    Misc,
    /// An office named without its holder, e.g. "de burgemeester van Groningen".
    Role,
}

impl EntityType {
    pub const ALL: [EntityType; 7] = [
        EntityType::Person,
        EntityType::Organization,
        EntityType::Location,
        EntityType::Law,
        EntityType::Event,
        EntityType::Misc,
        EntityType::Role,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "PERSON",
            EntityType::Organization => "ORGANIZATION",
            EntityType::Location => "LOCATION",
            EntityType::Law => "LAW",
            EntityType::Event => "EVENT",
            EntityType::Misc => "MISC",
            EntityType::Role => "ROLE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RelationKind {
    /// Person holds a role (property `predicate`, e.g. "burgemeester") in a place or organisation.
    HoldsRole,
    /// Person → organisation they work for, stated without a role noun ("werkt bij ING").
    WorksFor,
    /// Person → party, team or group they belong to.
    MemberOf,
    /// Organisation, facility or place → the place it lies in.
    LocatedIn,
    /// Part → whole: a subsidiary, division or programme → the organisation it belongs to.
    PartOf,
    /// Owner → what it owns or took over ("X neemt Y over", "moederbedrijf van Y").
    Owns,
    /// Speaker → entity mentioned in something the speaker is quoted saying.
    QuotedAbout,
    /// An office (ROLE entity) → the place or organisation it belongs to.
    RoleOf,
    /// A law → the office it lets (or obliges) to do something; `predicate` says what
    /// ("panden sluiten").
    Grants,
    /// Subject —verb lemma→ object; `predicate` holds the Dutch verb (plus particle/preposition).
    Verb,
    /// Both entities are named in one sentence. Weaker than every typed relation.
    CoOccurs,
}

impl RelationKind {
    pub const ALL: [RelationKind; 11] = [
        RelationKind::HoldsRole,
        RelationKind::RoleOf,
        RelationKind::Grants,
        RelationKind::WorksFor,
        RelationKind::MemberOf,
        RelationKind::LocatedIn,
        RelationKind::PartOf,
        RelationKind::Owns,
        RelationKind::QuotedAbout,
        RelationKind::Verb,
        RelationKind::CoOccurs,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::HoldsRole => "HOLDS_ROLE",
            RelationKind::WorksFor => "WORKS_FOR",
            RelationKind::MemberOf => "MEMBER_OF",
            RelationKind::LocatedIn => "LOCATED_IN",
            RelationKind::PartOf => "PART_OF",
            RelationKind::Owns => "OWNS",
            RelationKind::QuotedAbout => "QUOTED_ABOUT",
            RelationKind::RoleOf => "ROLE_OF",
            RelationKind::Grants => "GRANTS",
            RelationKind::Verb => "VERB",
            RelationKind::CoOccurs => "CO_OCCURS",
        }
    }

    /// Co-occurrence is symmetric; typed relations have a direction.
    pub fn is_symmetric(self) -> bool {
        self == RelationKind::CoOccurs
    }
}

/// An article as stored: normalised text plus header fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Content hash of the normalised text (see `ingest::content_id`).
    pub id: String,
    /// The id the source gave it (JSONL `id`), if any.
    pub external_id: Option<String>,
    pub title: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: Option<String>,
    /// URL from the header, or the path it was read from.
    pub source: Option<String>,
    pub language: String,
    pub text: String,
    /// Seconds since the Unix epoch.
    pub ingested_at: u64,
}

/// One entity as the extractor sees it inside a single document (before resolution).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalEntity {
    pub name: String,
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    /// Every surface form used for it in the document, the name included.
    pub aliases: Vec<String>,
    /// Role nouns attached to it ("burgemeester").
    pub roles: Vec<String>,
    /// The Wikidata item it names, if the linker is sure enough (see `link`).
    pub wikidata: Option<WikidataLink>,
}

/// An entity's Wikidata item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WikidataLink {
    /// The QID, e.g. "Q401107".
    pub id: String,
    /// The Dutch label or alias of the item that matched the entity's names.
    pub label: String,
    /// How sure the linker is, 0..1.
    pub confidence: f32,
}

impl WikidataLink {
    pub fn url(&self) -> String {
        format!("https://www.wikidata.org/wiki/{}", self.id)
    }
}

/// A place in the text that names (or refers to) an entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// Index into `Extraction::entities` before resolution.
    pub entity: usize,
    pub sentence: usize,
    pub span: Span,
    pub text: String,
    pub confidence: f32,
    /// How it was found.
    pub source: MentionSource,
}

/// How a mention was found; serialised as the strings it always had ("ner",
/// "coref:pronoun", …). `kind` says what that makes it: a name, a reference back to one,
/// or a word that implies the entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MentionSource {
    /// Named, found by the NER tagger.
    #[serde(rename = "ner")]
    Ner,
    /// Named inside a compound ("NMBS" of "NMBS-directie").
    #[serde(rename = "ner:compound")]
    NerCompound,
    /// A law's name ("Opiumwet", "Wet op …").
    #[serde(rename = "rule:law")]
    Law,
    /// A lowercase institution ("de politie", "het kabinet").
    #[serde(rename = "rule:institution")]
    Institution,
    /// An office named with its place ("de burgemeester van Groningen").
    #[serde(rename = "rule:role-of-place")]
    RoleOfPlace,
    /// An office a law empowers ("burgemeesters kunnen …").
    #[serde(rename = "rule:office")]
    Office,
    /// A country implied by a place adjective ("het Britse concern Gullane").
    #[serde(rename = "rule:demonym-place")]
    DemonymPlace,
    /// A country's people for the country ("De Argentijnen troefden Frankrijk af").
    #[serde(rename = "rule:demonym-people")]
    DemonymPeople,
    /// "hij", "ze".
    #[serde(rename = "coref:pronoun")]
    Pronoun,
    /// "de burgemeester" for the person holding that role.
    #[serde(rename = "coref:role-noun")]
    RoleNoun,
    /// "ik" inside a quote, for its speaker.
    #[serde(rename = "coref:quote-speaker")]
    QuoteSpeaker,
    /// "de Argentijn" for the one person the text introduced as one ("de Argentijn
    /// Guillermo Canas").
    #[serde(rename = "coref:nationality-noun")]
    NationalityNoun,
}

/// What a mention is: the entity's name as written, a reference to an entity named
/// elsewhere (pronoun, role noun, "ik" of a speaker), or a word implying it (an adjective).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionKind {
    Named,
    Coreference,
    Implied,
}

impl MentionSource {
    pub fn kind(self) -> MentionKind {
        match self {
            MentionSource::Ner
            | MentionSource::NerCompound
            | MentionSource::Law
            | MentionSource::Institution
            | MentionSource::RoleOfPlace
            | MentionSource::Office => MentionKind::Named,
            MentionSource::Pronoun
            | MentionSource::RoleNoun
            | MentionSource::QuoteSpeaker
            | MentionSource::NationalityNoun => MentionKind::Coreference,
            MentionSource::DemonymPlace | MentionSource::DemonymPeople => MentionKind::Implied,
        }
    }

    /// Does the mention write the entity's name (so that its text is a name of it)?
    pub fn is_named(self) -> bool {
        self.kind() == MentionKind::Named
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MentionSource::Ner => "ner",
            MentionSource::NerCompound => "ner:compound",
            MentionSource::Law => "rule:law",
            MentionSource::Institution => "rule:institution",
            MentionSource::RoleOfPlace => "rule:role-of-place",
            MentionSource::Office => "rule:office",
            MentionSource::DemonymPlace => "rule:demonym-place",
            MentionSource::DemonymPeople => "rule:demonym-people",
            MentionSource::Pronoun => "coref:pronoun",
            MentionSource::RoleNoun => "coref:role-noun",
            MentionSource::QuoteSpeaker => "coref:quote-speaker",
            MentionSource::NationalityNoun => "coref:nationality-noun",
        }
    }
}

/// Where a relation is stated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub document: String,
    pub sentence: usize,
    /// The stretch of text that states the relation (at least the sentence).
    pub span: Span,
    pub confidence: f32,
    /// The rule that produced it.
    pub extractor: Rule,
}
/// The rule that stated a relation or attributed a quote; serialised as the strings it
/// always had ("pattern:role-apposition", "inference:quote-narration", …). `pattern:` rules
/// read the words, `parse:` the dependency tree, `inference:` draw on the context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rule {
    /// A role noun next to a name: "burgemeester Aboutaleb", "Aboutaleb, burgemeester van Rotterdam".
    #[serde(rename = "pattern:role-apposition")]
    RoleApposition,
    /// A role stated as what a person is: "Weck is directeur-generaal bij …", "werkte als
    /// regisseur", "van beroep verwarmingsmonteur"; "lid van X" for MEMBER_OF.
    #[serde(rename = "pattern:role-predicate")]
    RolePredicate,
    /// A role noun read as the person holding it: "beseft de burgemeester".
    #[serde(rename = "coref:role-noun")]
    RoleNoun,
    /// A municipal role with no place named: the article's main place.
    #[serde(rename = "inference:municipal-role-main-place")]
    MunicipalRoleMainPlace,
    /// An office named with its place: "de burgemeester van Groningen".
    #[serde(rename = "pattern:role-van-place")]
    RoleVanPlace,
    /// A law, then an office with a modal verb: "burgemeesters kunnen nu …".
    #[serde(rename = "pattern:law-office-modal")]
    LawOfficeModal,
    /// A name followed by in/uit/te and a place.
    #[serde(rename = "pattern:named-in-place")]
    NamedInPlace,
    /// "Luttrell, Tennessee".
    #[serde(rename = "pattern:place-comma-place")]
    PlaceCommaPlace,
    /// "AZ&PC (Amersfoort)".
    #[serde(rename = "pattern:place-in-brackets")]
    PlaceInBrackets,
    /// A place adjective before a name: "het Britse concern Gullane".
    #[serde(rename = "pattern:demonym-place")]
    DemonymPlace,
    /// "Otto Schily (SPD)".
    #[serde(rename = "pattern:person-bracketed-organisation")]
    PersonBracketedOrganisation,
    /// "X speelt bij Ajax", "in dienst van Rabo": WORKS_FOR from a verb of working.
    #[serde(rename = "pattern:works-for-verb")]
    WorksForVerb,
    /// "Unilever, het moederbedrijf van Unox", "X is een dochteronderneming van Y", "X
    /// maakt deel uit van Y": OWNS or PART_OF from a noun of ownership or of parts.
    #[serde(rename = "pattern:ownership-noun")]
    OwnershipNoun,
    /// Subject, verb from a closed list, object in one clause.
    #[serde(rename = "pattern:verb-clause")]
    VerbClause,
    /// Subject and object of a verb in the dependency parse.
    #[serde(rename = "parse:subject-verb-object")]
    SubjectVerbObject,
    /// A quote's speech tag: "…, zegt X", "X zegt: …".
    #[serde(rename = "pattern:quote-speech-verb")]
    QuoteSpeechVerb,
    /// A quote continuing the one before, nobody else referred to in between.
    #[serde(rename = "inference:quote-same-speaker")]
    QuoteSameSpeaker,
    /// A bare quote, given to the person the narration is about.
    #[serde(rename = "inference:quote-narration")]
    QuoteNarration,
    /// Speech in quote marks whose speaker was not found.
    #[serde(rename = "pattern:quote-marks")]
    QuoteMarks,
    /// "X zei dat …", "volgens X …", "…, aldus X".
    #[serde(rename = "pattern:reported-speech")]
    ReportedSpeech,
    /// Both named in one sentence.
    #[serde(rename = "cooccurrence:sentence")]
    SentenceCooccurrence,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::RoleApposition => "pattern:role-apposition",
            Rule::RolePredicate => "pattern:role-predicate",
            Rule::RoleNoun => "coref:role-noun",
            Rule::MunicipalRoleMainPlace => "inference:municipal-role-main-place",
            Rule::RoleVanPlace => "pattern:role-van-place",
            Rule::LawOfficeModal => "pattern:law-office-modal",
            Rule::NamedInPlace => "pattern:named-in-place",
            Rule::PlaceCommaPlace => "pattern:place-comma-place",
            Rule::PlaceInBrackets => "pattern:place-in-brackets",
            Rule::DemonymPlace => "pattern:demonym-place",
            Rule::PersonBracketedOrganisation => "pattern:person-bracketed-organisation",
            Rule::WorksForVerb => "pattern:works-for-verb",
            Rule::OwnershipNoun => "pattern:ownership-noun",
            Rule::VerbClause => "pattern:verb-clause",
            Rule::SubjectVerbObject => "parse:subject-verb-object",
            Rule::QuoteSpeechVerb => "pattern:quote-speech-verb",
            Rule::QuoteSameSpeaker => "inference:quote-same-speaker",
            Rule::QuoteNarration => "inference:quote-narration",
            Rule::QuoteMarks => "pattern:quote-marks",
            Rule::ReportedSpeech => "pattern:reported-speech",
            Rule::SentenceCooccurrence => "cooccurrence:sentence",
        }
    }

    /// Did the text state it (as opposed to the context suggesting it)?
    pub fn is_stated(self) -> bool {
        !matches!(self, Rule::MunicipalRoleMainPlace | Rule::QuoteSameSpeaker | Rule::QuoteNarration)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalRelation {
    pub source: usize,
    pub target: usize,
    pub kind: RelationKind,
    /// Role noun for HOLDS_ROLE, verb lemma for VERB, empty otherwise.
    pub predicate: String,
    pub sentence: usize,
    pub span: Span,
    pub confidence: f32,
    pub extractor: Rule,
}

/// How the words of a quote are given: in quote marks, or reported ("X zei dat …",
/// "volgens X …"). Serialised as `direct` / `reported`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    Direct,
    Reported,
}

impl QuoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Reported => "reported",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Index into `Extraction::entities` (before resolution), if a speaker was found.
    pub speaker: Option<usize>,
    pub kind: QuoteKind,
    pub text: String,
    pub span: Span,
    /// Entities named inside the quote.
    pub about: Vec<usize>,
    pub extractor: Rule,
}

/// Everything extracted from one document. Local indices point into `entities`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub sentences: Vec<Span>,
    pub entities: Vec<LocalEntity>,
    pub mentions: Vec<Mention>,
    pub relations: Vec<LocalRelation>,
    pub quotes: Vec<Quote>,
    /// Things in the text the extractor could not make sense of; never fatal.
    pub diagnostics: Vec<String>,
}

/// The short forms a text may use for a folded name once it has written it in full:
/// a person's surname with or without particles ("sauwens", "van diepenbeek" of "marc
/// van diepenbeek"), an organisation's leading words and last word ("goldman" of
/// "goldman sachs", "united news" of "united news media"). Forms made only of words of
/// three letters or fewer ("van", "de") are left out. Other types have none.
pub fn short_forms(entity_type: EntityType, folded: &str) -> Vec<String> {
    let words: Vec<&str> = folded.split(' ').collect();
    let forms: Vec<String> = match entity_type {
        EntityType::Person => (1..words.len()).map(|i| words[i..].join(" ")).collect(),
        EntityType::Organization if words.len() > 1 => {
            (1..words.len()).map(|i| words[..i].join(" ")).chain(words.last().map(|w| w.to_string())).collect()
        }
        _ => Vec::new(),
    };
    forms.into_iter().filter(|f| f.split(' ').any(|w| w.chars().count() > 3)).collect()
}

/// Fold a name for matching: lowercase, diacritics removed, whitespace collapsed.
/// "Cocaïne" → "cocaine", "Meld  Misdaad Anoniem" → "meld misdaad anoniem".
pub fn fold(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(name.len());
    for c in name.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            continue;
        }
        out.extend(c.to_lowercase());
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_case_accents_and_spacing() {
        assert_eq!(fold("Cocaïne"), "cocaine");
        assert_eq!(fold(" Meld  Misdaad\tAnoniem "), "meld misdaad anoniem");
    }

    #[test]
    fn timestamps_are_iso_8601_utc() {
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601_utc(1_795_880_460), "2026-11-28T15:41:00Z");
    }
}

/// A stored document with what was extracted from it (mentions and evidence are kept
/// under their entity and relation, found again through these id lists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRecord {
    pub document: Document,
    pub sentences: Vec<Span>,
    pub entity_ids: Vec<String>,
    pub relation_ids: Vec<String>,
    pub mention_count: u64,
    pub quotes: Vec<StoredQuote>,
}

/// An entity as the store and the graph keep it: the sum of its mentions across documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityRecord {
    pub id: String,
    pub name: String,
    pub entity_type: EntityType,
    /// Surface form → number of mentions using it.
    pub aliases: std::collections::BTreeMap<String, u64>,
    /// Role noun → number of documents stating it.
    pub roles: std::collections::BTreeMap<String, u64>,
    pub mention_count: u64,
    pub document_count: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// Set by the first document whose extraction linked it; changed after only by a
    /// curator's merge.
    pub wikidata: Option<WikidataLink>,
    /// Fields a curator set; ingestion leaves them alone.
    pub curated: CuratedFields,
    /// Mentions per type the tagger gave them, over every document: the entity's type
    /// is the most mentioned one (`EntityRecord::vote_type`) unless a curator set it.
    pub type_votes: std::collections::BTreeMap<EntityType, u64>,
}

impl EntityRecord {
    /// Add `mentions` mentions typed `entity_type` and retype the entity by the votes:
    /// the most mentioned type wins, a tie keeps the current type, a curated type stays.
    pub fn vote_type(&mut self, entity_type: EntityType, mentions: u64) {
        *self.type_votes.entry(entity_type).or_default() += mentions;
        if self.curated.entity_type {
            return;
        }
        let current = self.type_votes.get(&self.entity_type).copied().unwrap_or(0);
        if let Some((&best, &n)) = self.type_votes.iter().max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t))) {
            if n > current {
                self.entity_type = best;
            }
        }
    }

    /// An entity with no mentions yet: commits and curations add them.
    pub fn new(id: String, name: String, entity_type: EntityType) -> Self {
        EntityRecord {
            id,
            name,
            entity_type,
            aliases: Default::default(),
            roles: Default::default(),
            mention_count: 0,
            document_count: 0,
            first_seen: None,
            last_seen: None,
            wikidata: None,
            curated: CuratedFields::default(),
            type_votes: Default::default(),
        }
    }

    /// Its name and every alias (the name may be among the aliases).
    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.aliases.keys().chain(std::iter::once(&self.name))
    }
}

/// Which of an entity's fields a human decided (curation wins over the extractor).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CuratedFields {
    /// The name was set by `Rename`: longer names seen later do not replace it.
    pub name: bool,
    /// The type was set by `Retype`: resolution matches the entity whatever type the
    /// extractor gives a later mention of its names.
    pub entity_type: bool,
}

/// A human decision about the graph. Stored in order as `CurationEvent`s; each is applied
/// to the store when made, and the rules it leaves behind (redirects, split-off aliases,
/// locked names and types, deleted documents) apply to every later ingest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Curation {
    /// `from` becomes part of `into`: mentions, relations and evidence move; `from`'s id
    /// answers as an alias of `into` from then on.
    Merge {
        from: String,
        into: String,
    },
    Rename {
        entity: String,
        name: String,
    },
    Retype {
        entity: String,
        entity_type: EntityType,
    },
    /// Mentions written `alias` leave `entity` for a new entity of the same type (with
    /// the relations of the documents where `alias` was its only name).
    SplitAlias {
        entity: String,
        alias: String,
    },
    /// The document, its mentions and its evidence go; relations and entities left
    /// without evidence or mentions go too; the same text is not ingested again.
    DeleteDocument {
        document: String,
    },
}

/// One curation as stored: numbered in order, with time and the curator's reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurationEvent {
    /// 1, 2, 3, … in the order the curations were made.
    pub seq: u64,
    /// When it was made, ISO 8601 UTC ("2026-11-28T15:41:00Z").
    pub at: String,
    pub reason: String,
    pub curation: Curation,
}

/// Seconds since the Unix epoch as ISO 8601 UTC, e.g. "2026-11-28T15:41:00Z".
pub fn iso8601_utc(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let secs = unix_seconds % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3_600, secs / 60 % 60, secs % 60)
}

/// A relation as stored: its evidence lives beside it, keyed by relation and document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationRecord {
    pub id: String,
    pub source: String,
    pub target: String,
    pub kind: RelationKind,
    pub predicate: String,
    /// Number of evidence instances.
    pub weight: u64,
    /// Highest confidence among the evidence.
    pub confidence: f32,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

/// A mention as stored, with the global entity id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMention {
    pub entity: String,
    pub document: String,
    pub sentence: usize,
    pub span: Span,
    pub text: String,
    pub confidence: f32,
    pub source: MentionSource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredQuote {
    pub speaker: Option<String>,
    pub kind: QuoteKind,
    pub document: String,
    pub text: String,
    pub span: Span,
    pub about: Vec<String>,
    pub extractor: Rule,
}

/// One relation instance in one document, with global ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRelation {
    pub id: String,
    pub source: String,
    pub target: String,
    pub kind: RelationKind,
    pub predicate: String,
    pub evidence: Evidence,
}

/// A resolved entity occurrence in one document: what the store adds to `EntityRecord`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityContribution {
    pub id: String,
    pub name: String,
    pub entity_type: EntityType,
    pub aliases: std::collections::BTreeMap<String, u64>,
    pub roles: Vec<String>,
    pub mention_count: u64,
    pub wikidata: Option<WikidataLink>,
}

/// A document with everything extracted from it, entities resolved to global ids:
/// the unit the store commits atomically.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedDocument {
    pub document: Document,
    pub sentences: Vec<Span>,
    pub entities: Vec<EntityContribution>,
    pub mentions: Vec<StoredMention>,
    pub relations: Vec<StoredRelation>,
    pub quotes: Vec<StoredQuote>,
}

/// A confidence as the store holds it: the `f32` read as the decimal it was written as
/// (0.45, not 0.44999998807907104), so GraphQL, exports and the CLI print the same number.
pub fn stored_float(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}
