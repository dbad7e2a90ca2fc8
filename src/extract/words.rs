//! Closed Dutch word lists the rules use. Lowercase; extend them here, not in the rules.

/// Nouns naming an office. Multi-word roles are matched on their first word only.
pub const ROLE_NOUNS: &[&str] = &[
    "burgemeester",
    "wethouder",
    "minister",
    "staatssecretaris",
    "premier",
    "minister-president",
    "president",
    "vicepremier",
    "directeur",
    "voorzitter",
    "woordvoerder",
    "commissaris",
    "hoofdcommissaris",
    "gouverneur",
    "koning",
    "koningin",
    "prins",
    "prinses",
    "officier",
    "procureur-generaal",
    "rechter",
    "advocaat",
    "trainer",
    "coach",
    "bondscoach",
    "kamerlid",
    "fractievoorzitter",
    "partijleider",
    "lijsttrekker",
    "ceo",
    "topman",
    "topvrouw",
    "bestuursvoorzitter",
    "burgervader",
    "ambassadeur",
    "senator",
    "gedeputeerde",
    "korpschef",
    "politiechef",
    "aanvoerder",
    "paus",
    "bisschop",
    "kanselier",
    "secretaris-generaal",
    "ombudsman",
    "hoogleraar",
    "professor",
    "onderzoeker",
    "journalist",
    "schepen",
    "gemeentesecretaris",
    "bestuurder",
    "bestuurder-directeur",
    "secretaris",
    "leider",
    "uitgever",
    "hoofdredacteur",
    "redacteur",
    "correspondent",
    "klimatoloog",
    "organisator",
    "baas",
    "topambtenaar",
];

/// Occupations and positions that are no office but are stated the same way, before or
/// after a name ("zeilster Carolijn Brouwer", "Jan Smit, analist bij ING,").
pub const OCCUPATIONS: &[&str] = &[
    "analist",
    "econoom",
    "advocate",
    "journaliste",
    "omroeper",
    "omroepster",
    "presentator",
    "presentatrice",
    "regisseur",
    "regisseuse",
    "producent",
    "zanger",
    "zangeres",
    "acteur",
    "actrice",
    "schrijver",
    "schrijfster",
    "auteur",
    "dichter",
    "dichteres",
    "componist",
    "dirigent",
    "pianist",
    "gitarist",
    "drummer",
    "musicus",
    "kunstenaar",
    "kunstenares",
    "schilder",
    "fotograaf",
    "architect",
    "ontwerper",
    "politicus",
    "diplomaat",
    "manager",
    "teammanager",
    "eigenaar",
    "oprichter",
    "medeoprichter",
    "chef",
    "arts",
    "chirurg",
    "dokter",
    "psychiater",
    "agent",
    "inspecteur",
    "rechercheur",
    "kapitein",
    "generaal",
    "commandant",
    "luitenant",
    "majoor",
    "kolonel",
    "piloot",
    "scheidsrechter",
    "grensrechter",
    "zeiler",
    "zeilster",
    "zwemmer",
    "zwemster",
    "sprinter",
    "sprintster",
    "tennisser",
    "tennisster",
    "wielrenner",
    "renner",
    "renster",
    "schaatser",
    "schaatsster",
    "atleet",
    "atlete",
    "doelman",
    "keeper",
    "spits",
    "middenvelder",
    "verdediger",
    "aanvaller",
    "speler",
    "speelster",
    "international",
    "bokser",
    "judoka",
    "ruiter",
    "amazone",
    "jockey",
    "golfer",
    "hockeyer",
    "hockeyster",
    "volleyballer",
    "basketballer",
    "voetballer",
    "handballer",
    "roeier",
    "roeister",
    "turner",
    "turnster",
    "skiër",
    "kampioen",
    "kampioene",
    "wereldkampioen",
    "coureur",
    "topspits",
    "sportdirecteur",
    "assistent",
    "assistent-trainer",
    "hoofdtrainer",
    "keuzeheer",
    "bondscoach",
    "voorzitster",
    "directrice",
    "woordvoerster",
    "ondernemer",
    "zakenman",
    "zakenvrouw",
    "bankier",
    "belegger",
    "handelaar",
    "boer",
    "visser",
    "priester",
    "dominee",
    "imam",
    "rabbijn",
    "kardinaal",
    "minister-president",
    "staatshoofd",
    "vorst",
    "kroonprins",
    "kroonprinses",
    "prins-gemaal",
    "docent",
    "leraar",
    "lerares",
    "student",
    "studente",
    "wetenschapper",
    "historicus",
    "socioloog",
    "criminoloog",
    "jurist",
    "notaris",
    "officier",
    "rapporteur",
    "lid",
    "raadslid",
    "gemeenteraadslid",
    "europarlementariër",
    "parlementariër",
    "volksvertegenwoordiger",
    "afgevaardigde",
    "vakbondsman",
    "vakbondsleider",
    "activist",
    "actievoerder",
    "rebellenleider",
];

/// Prefixes that keep a role a role: "ex-minister", "oud-voorzitter", "vice-president".
const ROLE_PREFIXES: &[&str] = &["ex-", "oud-", "vice-", "interim-", "waarnemend-", "adjunct-", "co-", "mede-"];

/// The role noun `word` states, lowercased: an office or occupation, also inside a
/// compound whose last part is one ("VVD-voorzitter", "televisie-omroepster",
/// "clubvoorzitter", "ex-minister"). Plurals are not roles of one person.
pub fn role_noun(word: &str) -> Option<String> {
    let lower = word.to_lowercase();
    let known = |w: &str| ROLE_NOUNS.contains(&w) || OCCUPATIONS.contains(&w);
    if known(&lower) {
        return Some(lower);
    }
    let stripped = ROLE_PREFIXES.iter().find_map(|p| lower.strip_prefix(p)).unwrap_or(&lower);
    if known(stripped) {
        return Some(lower);
    }
    let head = stripped.rsplit('-').next().unwrap_or(stripped);
    if head.len() < stripped.len() && known(head) {
        return Some(lower);
    }
    // A closed compound: a known role of at least six letters at its end ("clubvoorzitter").
    let closed = ROLE_NOUNS
        .iter()
        .chain(OCCUPATIONS)
        .any(|r| stripped.len() > r.len() + 2 && stripped.ends_with(r) && r.chars().count() >= 6);
    closed.then_some(lower)
}

/// Nationality nouns ("Duitser Beerbaum", "Argentijn Guillermo Canas"): glued before a
/// name by the tagger, they are no part of it.
pub const NATIONALITY_NOUNS: &[&str] = &[
    "nederlander",
    "belg",
    "duitser",
    "fransman",
    "brit",
    "engelsman",
    "schot",
    "ier",
    "amerikaan",
    "canadees",
    "mexicaan",
    "braziliaan",
    "argentijn",
    "chileen",
    "colombiaan",
    "peruaan",
    "uruguayaan",
    "venezolaan",
    "italiaan",
    "spanjaard",
    "portugees",
    "zwitser",
    "oostenrijker",
    "pool",
    "tsjech",
    "slowaak",
    "hongaar",
    "roemeen",
    "bulgaar",
    "kroaat",
    "serviër",
    "bosniër",
    "sloveen",
    "griek",
    "turk",
    "rus",
    "oekraïner",
    "wit-rus",
    "zweed",
    "noor",
    "deen",
    "fin",
    "ijslander",
    "est",
    "let",
    "litouwer",
    "australiër",
    "nieuw-zeelander",
    "japanner",
    "chinees",
    "koreaan",
    "indiër",
    "pakistaan",
    "iraniër",
    "irakees",
    "israëliër",
    "palestijn",
    "egyptenaar",
    "marokkaan",
    "algerijn",
    "tunesiër",
    "nigeriaan",
    "kameroener",
    "keniaan",
    "ethiopiër",
    "zuid-afrikaan",
    "ghanees",
    "senegalees",
    "surinamer",
    "antilliaan",
    "luxemburger",
    "zuid-amerikaan",
];

/// Nationality adjectives and the country they name ("de Colombiaanse president").
pub const DEMONYM_ADJECTIVES: &[(&str, &str)] = &[
    ("nederlandse", "Nederland"),
    ("belgische", "België"),
    ("vlaamse", "Vlaanderen"),
    ("duitse", "Duitsland"),
    ("franse", "Frankrijk"),
    ("britse", "Groot-Brittannië"),
    ("engelse", "Engeland"),
    ("schotse", "Schotland"),
    ("ierse", "Ierland"),
    ("amerikaanse", "Verenigde Staten"),
    ("canadese", "Canada"),
    ("mexicaanse", "Mexico"),
    ("braziliaanse", "Brazilië"),
    ("argentijnse", "Argentinië"),
    ("chileense", "Chili"),
    ("colombiaanse", "Colombia"),
    ("peruaanse", "Peru"),
    ("uruguayaanse", "Uruguay"),
    ("paraguayaanse", "Paraguay"),
    ("venezolaanse", "Venezuela"),
    ("boliviaanse", "Bolivia"),
    ("ecuadoraanse", "Ecuador"),
    ("cubaanse", "Cuba"),
    ("italiaanse", "Italië"),
    ("spaanse", "Spanje"),
    ("portugese", "Portugal"),
    ("zwitserse", "Zwitserland"),
    ("oostenrijkse", "Oostenrijk"),
    ("poolse", "Polen"),
    ("tsjechische", "Tsjechië"),
    ("slowaakse", "Slowakije"),
    ("hongaarse", "Hongarije"),
    ("roemeense", "Roemenië"),
    ("bulgaarse", "Bulgarije"),
    ("kroatische", "Kroatië"),
    ("servische", "Servië"),
    ("bosnische", "Bosnië"),
    ("sloveense", "Slovenië"),
    ("griekse", "Griekenland"),
    ("turkse", "Turkije"),
    ("russische", "Rusland"),
    ("oekraïense", "Oekraïne"),
    ("zweedse", "Zweden"),
    ("noorse", "Noorwegen"),
    ("deense", "Denemarken"),
    ("finse", "Finland"),
    ("ijslandse", "IJsland"),
    ("australische", "Australië"),
    ("japanse", "Japan"),
    ("chinese", "China"),
    ("koreaanse", "Korea"),
    ("indiase", "India"),
    ("pakistaanse", "Pakistan"),
    ("iraanse", "Iran"),
    ("iraakse", "Irak"),
    ("israëlische", "Israël"),
    ("palestijnse", "Palestina"),
    ("egyptische", "Egypte"),
    ("marokkaanse", "Marokko"),
    ("algerijnse", "Algerije"),
    ("tunesische", "Tunesië"),
    ("nigeriaanse", "Nigeria"),
    ("keniaanse", "Kenia"),
    ("zuid-afrikaanse", "Zuid-Afrika"),
    ("surinaamse", "Suriname"),
    ("luxemburgse", "Luxemburg"),
];

/// The country a nationality adjective names.
pub fn demonym_country(word: &str) -> Option<&'static str> {
    let lower = word.to_lowercase();
    DEMONYM_ADJECTIVES.iter().find(|(adjective, _)| *adjective == lower).map(|(_, country)| *country)
}

/// A nationality or place adjective, inflected or not ("Nederlandse", "Belgisch",
/// "Amerikaans-Britse", "Oost-Duitse"), or a nationality noun, singular or plural
/// ("Duitser", "Belgen", "Amerikanen"): words that name a country's people or
/// qualities, never a thing of their own.
pub fn is_demonym(word: &str) -> bool {
    let lower = word.to_lowercase();
    let adjective = |w: &str| {
        DEMONYM_ADJECTIVES.iter().any(|(a, _)| *a == w || a.strip_suffix('e') == Some(w))
            || NATIONALITY_NOUNS.iter().any(|n| nationality_forms(n).any(|f| f == w))
    };
    if adjective(&lower) {
        return true;
    }
    // "Amerikaans-Britse", "Oost-Duitse", "Vlaams-Brabantse": parts that are demonyms
    // or compass points, ending in an inflected adjective.
    let parts: Vec<&str> = lower.split('-').collect();
    parts.len() > 1
        && parts.last().is_some_and(|p| p.ends_with("se") || p.ends_with('s'))
        && parts.iter().any(|p| adjective(p))
        && parts.iter().all(|p| adjective(p) || COMPASS.contains(p) || p.ends_with("se"))
}

/// `is_demonym`, or shaped like one when the tagger calls a single word MISC: a
/// capitalised adjective of a place ("Rotterdamse", "Zeeuwse", "Vaticaanse",
/// "Hagenaar", "Europeanen") that the lists do not hold.
pub fn looks_like_demonym(word: &str) -> bool {
    let lower = word.to_lowercase();
    let capitalised =
        word.chars().next().is_some_and(char::is_uppercase) && word.chars().skip(1).all(char::is_lowercase);
    is_demonym(word)
        || (capitalised
            && lower.chars().count() >= 6
            && ["se", "sche", "anen", "aren", "enaar", "mer", "mers", "aks", "ees"].iter().any(|e| lower.ends_with(e)))
}

const COMPASS: &[&str] = &["noord", "zuid", "oost", "west", "midden", "centraal"];

/// A nationality noun and its plurals ("amerikaan" → "amerikanen", "brit" → "britten").
fn nationality_forms(noun: &'static str) -> impl Iterator<Item = String> {
    let stem_plural = if let Some(stem) = noun.strip_suffix("aan") {
        Some(format!("{stem}anen"))
    } else if let Some(stem) = noun.strip_suffix("ees") {
        Some(format!("{stem}ezen"))
    } else {
        noun.strip_suffix("man").map(|stem| format!("{stem}en"))
    };
    let last = noun.chars().last().map(String::from).unwrap_or_default();
    [
        Some(noun.to_string()),
        Some(format!("{noun}s")),
        Some(format!("{noun}en")),
        Some(format!("{noun}{last}en")),
        stem_plural,
    ]
    .into_iter()
    .flatten()
}

/// Titles written between a role and a name ("de bisschop van Brugge, mgr. Vangheluwe").
pub const NAME_TITLES: &[&str] = &["mgr.", "dr.", "prof.", "mr.", "ir.", "drs.", "ing.", "sir", "lord"];

/// Offices held in a municipality: with no place named, the article's main place is meant.
pub const MUNICIPAL_ROLES: &[&str] =
    &["burgemeester", "wethouder", "burgervader", "gemeentesecretaris", "schepen", "korpschef"];

/// Institutions Dutch news names in lowercase (or as a common noun), typed ORGANIZATION.
pub const INSTITUTIONS: &[&str] = &[
    "politie",
    "douane",
    "kabinet",
    "fiscus",
    "belastingdienst",
    "justitie",
    "regering",
    "marechaussee",
    "brandweer",
    "rechtbank",
    "gemeenteraad",
    "kustwacht",
    "inspectie",
    "parlement",
    "senaat",
    "kamer",
    "defensie",
    "ggd",
    "om",
];

/// Verbs that introduce or close a quotation ("…", zegt X).
pub const SPEECH_VERBS: &[&str] = &[
    "zegt",
    "zei",
    "zeggen",
    "aldus",
    "vertelt",
    "vertelde",
    "stelt",
    "stelde",
    "verklaart",
    "verklaarde",
    "meldt",
    "meldde",
    "schrijft",
    "schreef",
    "benadrukt",
    "benadrukte",
    "vindt",
    "vond",
    "denkt",
    "dacht",
    "erkent",
    "erkende",
    "beseft",
    "besefte",
    "waarschuwt",
    "waarschuwde",
    "concludeert",
    "concludeerde",
    "reageert",
    "reageerde",
    "zucht",
    "lacht",
    "roept",
    "riep",
    "antwoordt",
    "antwoordde",
    "voegt",
    "voegde",
    "legt",
    "legde",
    "volgens",
    "aldus",
    "weet",
    "wist",
    "vraagt",
    "vroeg",
];

pub const ARTICLES: &[&str] = &["de", "het", "die", "deze", "onze", "hun", "zijn", "haar"];
pub const THIRD_PERSON_SINGULAR: &[&str] = &["hij"];
pub const FIRST_PERSON_SINGULAR: &[&str] = &["ik", "mij", "me", "mijn"];

/// Verbs for subject–verb–object relations: (lemma, inflected forms). Present, past and
/// participle forms; the lemma doubles as the plural.
pub const RELATION_VERBS: &[(&str, &[&str])] = &[
    ("krijgen", &["krijgt", "krijg", "kreeg", "kregen", "gekregen"]),
    ("ontvangen", &["ontvangt", "ontving", "ontvingen"]),
    ("steunen", &["steunt", "steunde", "steunden", "gesteund"]),
    ("bezoeken", &["bezoekt", "bezocht", "bezochten"]),
    ("ontmoeten", &["ontmoet", "ontmoette", "ontmoetten"]),
    ("kopen", &["koopt", "kocht", "kochten", "gekocht"]),
    ("verkopen", &["verkoopt", "verkocht", "verkochten"]),
    ("overnemen", &["neemt", "nam", "namen", "overgenomen"]),
    ("verslaan", &["verslaat", "versloeg", "versloegen", "verslagen"]),
    ("winnen", &["wint", "won", "wonnen", "gewonnen"]),
    ("leiden", &["leidt", "leidde", "leidden", "geleid"]),
    ("informeren", &["informeert", "informeerde", "informeerden", "geïnformeerd"]),
    ("bekritiseren", &["bekritiseert", "bekritiseerde", "bekritiseerden", "bekritiseerd"]),
    ("aanklagen", &["klaagt", "klaagde", "klaagden", "aangeklaagd"]),
    ("arresteren", &["arresteert", "arresteerde", "arresteerden", "gearresteerd"]),
    ("benoemen", &["benoemt", "benoemde", "benoemden", "benoemd"]),
    ("ontslaan", &["ontslaat", "ontsloeg", "ontsloegen", "ontslagen"]),
    ("verlaten", &["verlaat", "verliet", "verlieten"]),
    ("tekenen", &["tekent", "tekende", "tekenden", "getekend"]),
    ("betalen", &["betaalt", "betaalde", "betaalden", "betaald"]),
    ("helpen", &["helpt", "hielp", "hielpen", "geholpen"]),
    ("waarschuwen", &["waarschuwt", "waarschuwde", "waarschuwden", "gewaarschuwd"]),
    ("verdedigen", &["verdedigt", "verdedigde", "verdedigden", "verdedigd"]),
    ("sluiten", &["sluit", "sloot", "sloten", "gesloten"]),
];

/// Words that end a clause or stand between a verb and its object without being it.
pub const OBJECT_STOPWORDS: &[&str] = &[
    "de",
    "het",
    "een",
    "die",
    "dat",
    "wel",
    "niet",
    "ook",
    "nog",
    "al",
    "nu",
    "sinds",
    "vorig",
    "vorige",
    "jaar",
    "dit",
    "deze",
    "zijn",
    "haar",
    "hun",
    "er",
    "daar",
    "hier",
    "toen",
    "dan",
    "zo",
    "veel",
    "meer",
    "weer",
    "vaak",
    "steeds",
    "op",
    "af",
    "in",
    "mee",
    "toe",
    "terug",
    "uiteindelijk",
    "opnieuw",
    "gisteren",
    "vandaag",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
];

/// Prepositions that can link a verb's object to a second entity ("meldingen van X").
pub const LINKING_PREPOSITIONS: &[&str] = &["van", "bij", "uit", "aan", "met", "voor", "over", "door", "tegen"];

/// Ministers' portfolios, which the tagger glues to the minister's name ("minister van
/// Cultuur Bert Anciaux" → "Cultuur Bert Anciaux"); names.rs cuts them off.
pub const PORTFOLIOS: &[&str] = &[
    "Asiel",
    "Begroting",
    "Binnenlandse",
    "Buitenlandse",
    "Cultuur",
    "Defensie",
    "Economie",
    "Economische",
    "Energie",
    "Financiën",
    "Justitie",
    "Klimaat",
    "KMO",
    "Landbouw",
    "Leefmilieu",
    "Media",
    "Migratie",
    "Milieu",
    "Mobiliteit",
    "Onderwijs",
    "Ontwikkelingssamenwerking",
    "Sport",
    "Verkeer",
    "Volksgezondheid",
    "Volkshuisvesting",
    "Welzijn",
    "Werk",
    "Wonen",
    "Zaken",
];
