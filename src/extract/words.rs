//! Closed Dutch word lists the rules use. Lowercase; extend them here, not in the rules.

/// Nouns naming an office. Multi-word roles are matched on their first word only.
pub const ROLE_NOUNS: &[&str] = &[
    "burgemeester", "wethouder", "minister", "staatssecretaris", "premier", "minister-president", "president", "vicepremier",
    "directeur", "voorzitter", "woordvoerder", "commissaris", "hoofdcommissaris", "gouverneur", "koning", "koningin", "prins",
    "prinses", "officier", "procureur-generaal", "rechter", "advocaat", "trainer", "coach", "bondscoach", "kamerlid",
    "fractievoorzitter", "partijleider", "lijsttrekker", "ceo", "topman", "topvrouw", "bestuursvoorzitter", "burgervader",
    "ambassadeur", "senator", "gedeputeerde", "korpschef", "politiechef", "aanvoerder", "paus", "bisschop", "kanselier",
    "secretaris-generaal", "ombudsman", "hoogleraar", "professor", "onderzoeker", "journalist", "schepen", "gemeentesecretaris",
];

/// Offices held in a municipality: with no place named, the article's main place is meant.
pub const MUNICIPAL_ROLES: &[&str] = &["burgemeester", "wethouder", "burgervader", "gemeentesecretaris", "schepen", "korpschef"];

/// Institutions Dutch news names in lowercase (or as a common noun), typed ORGANIZATION.
pub const INSTITUTIONS: &[&str] = &[
    "politie", "douane", "kabinet", "fiscus", "belastingdienst", "justitie", "regering", "marechaussee", "brandweer", "rechtbank",
    "gemeenteraad", "kustwacht", "inspectie", "parlement", "senaat", "kamer", "defensie", "ggd", "om",
];

/// Verbs that introduce or close a quotation ("…", zegt X).
pub const SPEECH_VERBS: &[&str] = &[
    "zegt", "zei", "zeggen", "aldus", "vertelt", "vertelde", "stelt", "stelde", "verklaart", "verklaarde", "meldt", "meldde",
    "schrijft", "schreef", "benadrukt", "benadrukte", "vindt", "vond", "denkt", "dacht", "erkent", "erkende", "beseft", "besefte",
    "waarschuwt", "waarschuwde", "concludeert", "concludeerde", "reageert", "reageerde", "zucht", "lacht", "roept", "riep",
    "antwoordt", "antwoordde", "voegt", "voegde", "legt", "legde", "volgens", "aldus", "weet", "wist", "vraagt", "vroeg",
];

pub const ARTICLES: &[&str] = &["de", "het", "die", "deze", "onze", "hun", "zijn", "haar"];
pub const THIRD_PERSON_SINGULAR: &[&str] = &["hij"];
pub const FIRST_PERSON_SINGULAR: &[&str] = &["ik", "mij", "me", "mijn"];
