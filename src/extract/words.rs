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
    "monteur",
    "consultant",
    "coördinator",
    "muzikant",
    "voorman",
    "spreker",
    "spreekster",
];

/// Seats of a body, which end compounds naming a role: "kamerlid", "bestuurslid",
/// "gemeenteraadslid", "statenlid" (not "lid" alone: membership, not a role).
const SEAT_NOUNS: &[&str] = &["lid"];

/// Prefixes that keep a role a role: "ex-minister", "oud-voorzitter", "vice-president".
const ROLE_PREFIXES: &[&str] = &["ex-", "oud-", "vice-", "interim-", "waarnemend-", "adjunct-", "co-", "mede-"];

/// English job titles as Dutch news writes them, lowercased, and the role each names
/// ("Chief Executive Officer van Ahold" → ceo).
pub const ENGLISH_TITLES: &[(&[&str], &str)] = &[
    (&["chief", "executive", "officer"], "ceo"),
    (&["chief", "financial", "officer"], "cfo"),
    (&["chief", "operating", "officer"], "coo"),
    (&["chief", "technology", "officer"], "cto"),
    (&["chief", "information", "officer"], "cio"),
    (&["managing", "director"], "managing director"),
    (&["executive", "director"], "executive director"),
    (&["general", "manager"], "general manager"),
];

/// The English title `words` start with: its length in words and the role it names.
pub fn english_title<S: AsRef<str>>(words: &[S]) -> Option<(usize, &'static str)> {
    ENGLISH_TITLES.iter().find_map(|(title, role)| {
        let fits =
            words.len() >= title.len() && title.iter().zip(words).all(|(t, w)| w.as_ref().eq_ignore_ascii_case(t));
        fits.then_some((title.len(), *role))
    })
}

/// Does `word` start with a prefix that keeps a role a role ("Oud-trainer", "ex-minister")?
pub fn has_role_prefix(word: &str) -> bool {
    let lower = word.to_lowercase();
    ROLE_PREFIXES.iter().any(|p| lower.starts_with(p))
}

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
    let seat = SEAT_NOUNS.iter().any(|r| stripped.len() >= r.len() + 4 && stripped.ends_with(r));
    (closed || seat).then_some(lower)
}

/// The singular role of a plural role noun ("trainers", "oud-trainers", "bestuursleden"
/// → "trainer", "oud-trainer", "bestuurslid"): a role of each of the names it stands
/// before or after ("de trainers Ad van de Ven en Mark Faber").
pub fn plural_role_noun(word: &str) -> Option<String> {
    let lower = word.to_lowercase();
    let singular = if let Some(stem) = lower.strip_suffix("leden") {
        format!("{stem}lid")
    } else {
        lower.strip_suffix('s').or_else(|| lower.strip_suffix("en"))?.to_string()
    };
    (singular.chars().count() >= 4).then(|| role_noun(&singular)).flatten()
}

/// Nationality nouns and the place whose people they name ("Duitser Beerbaum",
/// "Argentijn Guillermo Canas"): glued before a name by the tagger, they are no part of
/// it; in the plural ("de Argentijnen") they stand for the country (`people_of`).
pub const NATIONALITY_NOUNS: &[(&str, &str)] = &[
    ("nederlander", "Nederland"),
    ("belg", "België"),
    ("duitser", "Duitsland"),
    ("fransman", "Frankrijk"),
    ("brit", "Groot-Brittannië"),
    ("engelsman", "Engeland"),
    ("schot", "Schotland"),
    ("ier", "Ierland"),
    ("amerikaan", "Verenigde Staten"),
    ("canadees", "Canada"),
    ("mexicaan", "Mexico"),
    ("braziliaan", "Brazilië"),
    ("argentijn", "Argentinië"),
    ("chileen", "Chili"),
    ("colombiaan", "Colombia"),
    ("peruaan", "Peru"),
    ("uruguayaan", "Uruguay"),
    ("venezolaan", "Venezuela"),
    ("italiaan", "Italië"),
    ("spanjaard", "Spanje"),
    ("portugees", "Portugal"),
    ("zwitser", "Zwitserland"),
    ("oostenrijker", "Oostenrijk"),
    ("pool", "Polen"),
    ("tsjech", "Tsjechië"),
    ("slowaak", "Slowakije"),
    ("hongaar", "Hongarije"),
    ("roemeen", "Roemenië"),
    ("bulgaar", "Bulgarije"),
    ("kroaat", "Kroatië"),
    ("serviër", "Servië"),
    ("bosniër", "Bosnië"),
    ("sloveen", "Slovenië"),
    ("griek", "Griekenland"),
    ("turk", "Turkije"),
    ("rus", "Rusland"),
    ("oekraïner", "Oekraïne"),
    ("wit-rus", "Wit-Rusland"),
    ("zweed", "Zweden"),
    ("noor", "Noorwegen"),
    ("deen", "Denemarken"),
    ("fin", "Finland"),
    ("ijslander", "IJsland"),
    ("est", "Estland"),
    ("let", "Letland"),
    ("litouwer", "Litouwen"),
    ("australiër", "Australië"),
    ("nieuw-zeelander", "Nieuw-Zeeland"),
    ("japanner", "Japan"),
    ("chinees", "China"),
    ("koreaan", "Korea"),
    ("indiër", "India"),
    ("pakistaan", "Pakistan"),
    ("iraniër", "Iran"),
    ("irakees", "Irak"),
    ("israëliër", "Israël"),
    ("palestijn", "Palestina"),
    ("egyptenaar", "Egypte"),
    ("marokkaan", "Marokko"),
    ("algerijn", "Algerije"),
    ("tunesiër", "Tunesië"),
    ("nigeriaan", "Nigeria"),
    ("kameroener", "Kameroen"),
    ("keniaan", "Kenia"),
    ("ethiopiër", "Ethiopië"),
    ("zuid-afrikaan", "Zuid-Afrika"),
    ("ghanees", "Ghana"),
    ("senegalees", "Senegal"),
    ("surinamer", "Suriname"),
    ("antilliaan", "Nederlandse Antillen"),
    ("luxemburger", "Luxemburg"),
    ("zuid-amerikaan", "Zuid-Amerika"),
    ("cubaan", "Cuba"),
    ("jamaicaan", "Jamaica"),
    ("syriër", "Syrië"),
    ("afghaan", "Afghanistan"),
];

/// Is `lower` a nationality noun in the singular ("duitser", "argentijn")?
pub fn is_nationality_noun(lower: &str) -> bool {
    NATIONALITY_NOUNS.iter().any(|(noun, _)| *noun == lower)
}

/// The place whose people a plural nationality noun names: "Argentijnen" → Argentinië,
/// "Egyptenaren" → Egypte, "Britten" → Groot-Brittannië.
pub fn people_of(word: &str) -> Option<&'static str> {
    let lower = word.to_lowercase();
    NATIONALITY_NOUNS
        .iter()
        .find(|(noun, _)| nationality_forms(noun).skip(1).any(|f| f == lower))
        .map(|(_, place)| *place)
}

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
    ("waalse", "Wallonië"),
    ("friese", "Friesland"),
    ("litouwse", "Litouwen"),
    ("letse", "Letland"),
    ("estse", "Estland"),
    ("wit-russische", "Wit-Rusland"),
    ("georgische", "Georgië"),
    ("armeense", "Armenië"),
    ("azerbeidzjaanse", "Azerbeidzjan"),
    ("kazachse", "Kazachstan"),
    ("oezbeekse", "Oezbekistan"),
    ("moldavische", "Moldavië"),
    ("albanese", "Albanië"),
    ("macedonische", "Macedonië"),
    ("montenegrijnse", "Montenegro"),
    ("kosovaarse", "Kosovo"),
    ("cypriotische", "Cyprus"),
    ("maltese", "Malta"),
    ("afghaanse", "Afghanistan"),
    ("saoedische", "Saoedi-Arabië"),
    ("syrische", "Syrië"),
    ("libanese", "Libanon"),
    ("jordaanse", "Jordanië"),
    ("koeweitse", "Koeweit"),
    ("jemenitische", "Jemen"),
    ("libische", "Libië"),
    ("soedanese", "Soedan"),
    ("ethiopische", "Ethiopië"),
    ("eritrese", "Eritrea"),
    ("somalische", "Somalië"),
    ("ghanese", "Ghana"),
    ("ivoriaanse", "Ivoorkust"),
    ("senegalese", "Senegal"),
    ("kameroense", "Kameroen"),
    ("congolese", "Congo"),
    ("angolese", "Angola"),
    ("zimbabwaanse", "Zimbabwe"),
    ("rwandese", "Rwanda"),
    ("oegandese", "Oeganda"),
    ("tanzaniaanse", "Tanzania"),
    ("vietnamese", "Vietnam"),
    ("thaise", "Thailand"),
    ("indonesische", "Indonesië"),
    ("maleisische", "Maleisië"),
    ("filipijnse", "Filipijnen"),
    ("singaporese", "Singapore"),
    ("taiwanese", "Taiwan"),
    ("mongoolse", "Mongolië"),
    ("nepalese", "Nepal"),
    ("bengaalse", "Bangladesh"),
    ("nieuw-zeelandse", "Nieuw-Zeeland"),
    ("jamaicaanse", "Jamaica"),
    ("haïtiaanse", "Haïti"),
    ("antilliaanse", "Nederlandse Antillen"),
    ("arubaanse", "Aruba"),
];

/// Place adjectives not formed by adding "se" to the place's name or to its stem before
/// "en" (those `coref::adjective_places` finds by looking the stem up among known places).
pub const IRREGULAR_PLACE_ADJECTIVES: &[(&str, &str)] = &[
    ("haagse", "Den Haag"),
    ("nijmeegse", "Nijmegen"),
    ("zwolse", "Zwolle"),
    ("bossche", "'s-Hertogenbosch"),
    ("zeeuwse", "Zeeland"),
    ("drentse", "Drenthe"),
    ("luikse", "Luik"),
    ("parijse", "Parijs"),
    ("weense", "Wenen"),
    ("almeerse", "Almere"),
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
            // "Polen", "Zweden": the plural that is the country's name is the country.
            || NATIONALITY_NOUNS.iter().any(|(n, c)| nationality_forms(n).any(|f| f == w) && c.to_lowercase() != w)
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
    // A long vowel in a closed last syllable is written single in the plural's open one:
    // "kroaat" → "kroaten", "egyptenaar" → "egyptenaren", "noor" → "noren".
    let chars: Vec<char> = noun.chars().collect();
    let n = chars.len();
    let open_syllable = (n >= 3 && matches!(chars[n - 2], 'a' | 'e' | 'o') && chars[n - 3] == chars[n - 2])
        .then(|| format!("{}{}en", chars[..n - 2].iter().collect::<String>(), chars[n - 1]));
    [
        Some(noun.to_string()),
        Some(format!("{noun}s")),
        Some(format!("{noun}en")),
        Some(format!("{noun}{last}en")),
        stem_plural,
        open_syllable,
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

/// Institutions that a place adjective before them makes one institution of that
/// country or region: "de Colombiaanse regering", "het Bulgaarse parlement", "de Peruaanse
/// geheime dienst", "de Britse zwembond". The word is one of these or a compound ending in
/// one ("voetbalbond", "inlichtingendienst").
pub const NATIONAL_INSTITUTIONS: &[&str] = &[
    "regering",
    "overheid",
    "parlement",
    "senaat",
    "kabinet",
    "politie",
    "justitie",
    "douane",
    "leger",
    "marine",
    "luchtmacht",
    "krijgsmacht",
    "dienst",
    "ministerie",
    "ambassade",
    "bond",
    "federatie",
    "omroep",
    "rechtbank",
    "hooggerechtshof",
    "spoorwegen",
    "bisschoppenconferentie",
];

/// Is `word` (lowercase) a national institution's noun (`NATIONAL_INSTITUTIONS`)?
pub fn is_national_institution(word: &str) -> bool {
    NATIONAL_INSTITUTIONS.iter().any(|n| word.ends_with(n))
}

/// Verbs of a speech tag, which introduce or close a quotation ("…", zegt X; X
/// vertelde: "…"): forms of saying, answering, stating, reacting, and the verbs of
/// attitude a tag uses ("…", wist Jansen / lachte ze). The lemmas are listed too.
pub const SPEECH_VERBS: &[&str] = &[
    "zeggen",
    "zegt",
    "zeg",
    "zei",
    "zeiden",
    "gezegd",
    "aldus",
    "volgens",
    "vertellen",
    "vertelt",
    "vertelde",
    "vertelden",
    "verteld",
    "stellen",
    "stelt",
    "stelde",
    "stelden",
    "gesteld",
    "verklaren",
    "verklaart",
    "verklaarde",
    "verklaarden",
    "verklaard",
    "melden",
    "meldt",
    "meldde",
    "meldden",
    "gemeld",
    "schrijven",
    "schrijft",
    "schreef",
    "schreven",
    "benadrukken",
    "benadrukt",
    "benadrukte",
    "benadrukten",
    "vinden",
    "vindt",
    "vond",
    "vonden",
    "denken",
    "denkt",
    "dacht",
    "dachten",
    "erkennen",
    "erkent",
    "erkende",
    "erkenden",
    "beseffen",
    "beseft",
    "besefte",
    "waarschuwen",
    "waarschuwt",
    "waarschuwde",
    "waarschuwden",
    "concluderen",
    "concludeert",
    "concludeerde",
    "reageren",
    "reageert",
    "reageerde",
    "reageerden",
    "zuchten",
    "zucht",
    "zuchtte",
    "verzucht",
    "verzuchtte",
    "lachen",
    "lacht",
    "lachte",
    "grinnikt",
    "grinnikte",
    "grapt",
    "grapte",
    "roepen",
    "roept",
    "riep",
    "riepen",
    "antwoorden",
    "antwoordt",
    "antwoordde",
    "voegt",
    "voegde",
    "legt",
    "legde",
    "weten",
    "weet",
    "wist",
    "wisten",
    "vragen",
    "vraagt",
    "vroeg",
    "vroegen",
    "spreken",
    "spreekt",
    "sprak",
    "spraken",
    "menen",
    "meent",
    "meende",
    "meenden",
    "klagen",
    "klaagt",
    "klaagde",
    "beweren",
    "beweert",
    "beweerde",
    "beweerden",
    "bevestigen",
    "bevestigt",
    "bevestigde",
    "bevestigden",
    "ontkennen",
    "ontkent",
    "ontkende",
    "vervolgen",
    "vervolgt",
    "vervolgde",
    "onderstrepen",
    "onderstreept",
    "onderstreepte",
    "voorspellen",
    "voorspelt",
    "voorspelde",
    "betogen",
    "betoogt",
    "betoogde",
    "oordelen",
    "oordeelt",
    "oordeelde",
    "verzekeren",
    "verzekert",
    "verzekerde",
    "beaamt",
    "beaamde",
    "erkent",
    "glimlacht",
    "glimlachte",
    "knikt",
    "knikte",
    "klinkt",
    "klonk",
    "luidt",
    "luidde",
];

/// Verbs whose "dat"-clause is reported speech ("X zei dat …", "Interpay schat dat …",
/// "zij vindt dat …"): saying and stated opinion, not knowing (weten, horen) or thinking.
pub const REPORTING_VERBS: &[&str] = &[
    "zegt",
    "zei",
    "zeiden",
    "gezegd",
    "vertelt",
    "vertelde",
    "vertelden",
    "verteld",
    "stelt",
    "stelde",
    "stelden",
    "gesteld",
    "verklaart",
    "verklaarde",
    "verklaarden",
    "verklaard",
    "meldt",
    "meldde",
    "meldden",
    "gemeld",
    "schat",
    "schatte",
    "schatten",
    "geschat",
    "meent",
    "meende",
    "meenden",
    "vindt",
    "vond",
    "vonden",
    "eist",
    "eiste",
    "eisten",
    "geëist",
    "erkent",
    "erkende",
    "erkenden",
    "erkend",
    "benadrukt",
    "benadrukte",
    "benadrukten",
    "benadrukt",
    "beweert",
    "beweerde",
    "beweerden",
    "beweerd",
    "bevestigt",
    "bevestigde",
    "bevestigden",
    "bevestigd",
    "ontkent",
    "ontkende",
    "ontkenden",
    "ontkend",
    "waarschuwt",
    "waarschuwde",
    "waarschuwden",
    "gewaarschuwd",
    "concludeert",
    "concludeerde",
    "concludeerden",
    "geconcludeerd",
    "verzekert",
    "verzekerde",
    "verzekerd",
    "onderstreept",
    "onderstreepte",
    "onderstreept",
    "betoogt",
    "betoogde",
    "betoogd",
    "voorspelt",
    "voorspelde",
    "voorspeld",
    "kondigt",
    "kondigde",
    "aankondigt",
    "aankondigde",
    "aangekondigd",
    "bekendmaakt",
    "bekendmaakte",
    "bekendgemaakt",
    "meedeelt",
    "meedeelde",
    "meegedeeld",
    "toegeeft",
    "toegaf",
    "toegegeven",
    "aangeeft",
    "aangaf",
    "aangegeven",
    "aanstipt",
    "aanstipte",
    "aangestipt",
    "argumenteert",
    "argumenteerde",
    "argumenteerden",
    "geargumenteerd",
    "antwoordt",
    "antwoordde",
    "antwoordden",
    "geantwoord",
    "onthult",
    "onthulde",
    "onthuld",
    "beklemtoont",
    "beklemtoonde",
    "beklemtoond",
    "schrijft",
    "schreef",
    "schreven",
    "geschreven",
];

/// Separable reporting verbs, by particle: the finite forms of a main clause, whose
/// particle stands apart ("Barco deelt mee dat …", "liet Arinso weten dat …"); the joined
/// forms ("dat Barco meedeelt") are in `REPORTING_VERBS`.
pub const PARTICLE_REPORTING_VERBS: &[(&str, &[&str])] = &[
    ("bekend", &["maakt", "maakte", "maakten"]),
    ("mee", &["deelt", "deelde", "deelden"]),
    ("aan", &["stipt", "stipte", "stipten", "geeft", "gaf", "gaven", "kondigt", "kondigde", "kondigden"]),
    ("toe", &["geeft", "gaf", "gaven"]),
    ("weten", &["laat", "liet", "lieten"]),
    ("op", &["merkt", "merkte", "merkten"]),
    ("erop", &["wijst", "wees", "wezen"]),
    ("uit", &["sluit", "sloot", "sloten"]),
];

/// Prepositions: a name they govern is no subject ("tegen de krant El País", "met zijn
/// hengst Corland", "zonder Tops").
pub const PREPOSITIONS: &[&str] = &[
    "van", "bij", "uit", "aan", "met", "voor", "over", "door", "tegen", "op", "in", "naar", "na", "om", "tot",
    "tussen", "onder", "achter", "naast", "zonder", "minus", "behalve", "dankzij", "namens", "via", "rond", "tijdens",
    "sinds", "vanaf", "binnen", "buiten", "boven", "langs", "jegens", "richting", "à", "per",
];

/// Nouns an apposition puts before a name that are no role and name no organisation or
/// place (those are `kind_noun_type`'s): animals and works ("zijn hengst Corland", "het
/// album Teensville").
const THING_KIND_NOUNS: &[&str] =
    &["paard", "hengst", "merrie", "ruin", "hond", "album", "boek", "film", "lied", "nummer", "schip", "blad"];

/// A noun an apposition puts before a name that is no role: a kind of organisation, place
/// or thing ("de krant El País", "de club Ajax", "zijn hengst Corland").
pub fn is_apposition_noun(word: &str) -> bool {
    THING_KIND_NOUNS.contains(&word) || kind_noun_type(word).is_some()
}

/// Kind nouns that make the name after them an organisation ("het Britse
/// amusementsconcern Gullane", "de zwemverenigingen AZ&PC en DWK", "de krant El País"),
/// also as the last part of a compound, singular or plural.
const ORGANISATION_KIND_NOUNS: &[&str] = &[
    "krant",
    "dagblad",
    "weekblad",
    "zender",
    "omroep",
    "club",
    "ploeg",
    "team",
    "partij",
    "bedrijf",
    "concern",
    "firma",
    "bank",
    "onderneming",
    "vereniging",
    "stichting",
    "bond",
    "federatie",
    "maatschappij",
    "fabrikant",
    "producent",
    "verzekeraar",
    "uitgeverij",
    "supermarkt",
    "keten",
    "luchtvaartmaatschappij",
    "organisatie",
    "groep",
    "holding",
    "multinational",
    "universiteit",
    "hogeschool",
    "ziekenhuis",
    "vakbond",
    "brouwerij",
];
/// Kind nouns that make the name after them a place ("de Oostenrijkse stad Salzburg").
const PLACE_KIND_NOUNS: &[&str] =
    &["stad", "dorp", "gemeente", "provincie", "land", "hoofdstad", "regio", "deelstaat", "eiland", "havenstad"];

/// The type a kind noun before a name gives it: "concern Gullane" → organisation, "stad
/// Salzburg" → place. Compounds count by their last part ("amusementsconcern",
/// "zwemverenigingen"); plurals too. Only lowercase words are kind nouns.
pub fn kind_noun_type(word: &str) -> Option<crate::model::EntityType> {
    // A common noun, lowercase: "Duitsland" is no kind of land.
    if !word.chars().next().is_some_and(char::is_lowercase) {
        return None;
    }
    let lower = word.to_lowercase();
    let ends = |nouns: &[&str]| {
        nouns.iter().any(|n| {
            [lower.as_str(), lower.strip_suffix("en").unwrap_or(""), lower.strip_suffix('s').unwrap_or("")]
                .iter()
                .any(|w| w.ends_with(n) && (w.len() == n.len() || n.len() >= 4))
        })
    };
    if ends(ORGANISATION_KIND_NOUNS) {
        Some(crate::model::EntityType::Organization)
    } else if ends(PLACE_KIND_NOUNS) {
        Some(crate::model::EntityType::Location)
    } else {
        None
    }
}

/// Words of Dutch running text: quoted words with none of them are a title or a name in
/// another language ("Wake up little Susie", "A Man and his Guitar"), not speech.
pub const DUTCH_FUNCTION_WORDS: &[&str] = &[
    "de", "het", "een", "en", "of", "maar", "want", "dat", "die", "dit", "deze", "is", "was", "ben", "zijn", "waren",
    "heb", "hebt", "heeft", "had", "hadden", "hebben", "wordt", "werd", "worden", "kan", "kon", "moet", "moest", "zal",
    "zou", "wil", "wilde", "ik", "je", "jij", "u", "we", "wij", "hij", "ze", "zij", "mij", "me", "ons", "onze", "mijn",
    "niet", "geen", "er", "ook", "nog", "wel", "al", "nu", "dan", "zo", "om", "te", "van", "in", "op", "met", "voor",
    "naar", "aan", "bij", "uit", "over", "als", "wat", "hoe", "waar", "wie", "toen", "daar", "hier", "heel", "erg",
    "veel", "meer", "nooit", "altijd",
];

/// Finite verbs of a singular subject, to read "ze"/"zij" before or after them as "she"
/// ("Ze was geblesseerd", "kreeg ze een telefoontje").
pub const SINGULAR_FINITE_VERBS: &[&str] = &[
    "is", "was", "heeft", "had", "wordt", "werd", "kan", "kon", "wil", "wilde", "zal", "zou", "moet", "moest", "mag",
    "mocht", "gaat", "ging", "komt", "kwam", "staat", "stond", "blijft", "bleef", "krijgt", "kreeg", "zegt", "zei",
    "vindt", "vond", "weet", "wist", "speelt", "speelde", "wint", "won", "verloor", "verliest", "denkt", "dacht",
    "ziet", "zag", "maakt", "maakte", "doet", "deed", "houdt", "hield", "voelt", "voelde", "liet", "laat", "begon",
    "begint", "noemt", "noemde", "reed", "rijdt", "loopt", "liep",
];

/// Copulas that make the noun after them what their subject is: "Weck is directeur-generaal",
/// "X wordt de nieuwe trainer", "bleef voorzitter".
pub const COPULAS: &[&str] = &["is", "was", "wordt", "werd", "blijft", "bleef"];

/// The noun of membership: "lid van de VVD" (MEMBER_OF; alone it is no role, in a
/// compound it is a seat: "kamerlid").
pub const MEMBERSHIP_NOUN: &str = "lid";

/// Role nouns that, at a party or elected body, say a person belongs to it rather than
/// holds an office there: "SP-politicus Chokri Mahassine", "CDA-kamerlid", "statenlid
/// voor de CPN" (MEMBER_OF); "VVD-voorzitter" stays a role.
pub const PARTY_MEMBERSHIP_ROLES: &[&str] = &[
    "politicus",
    "politica",
    "partijlid",
    "partijgenoot",
    "kopstuk",
    "prominent",
    "kamerlid",
    "statenlid",
    "raadslid",
    "gemeenteraadslid",
    "parlementariër",
    "europarlementariër",
    "parlementslid",
    "senator",
    "volksvertegenwoordiger",
];

pub const ARTICLES: &[&str] = &["de", "het", "die", "deze", "onze", "hun", "zijn", "haar"];
pub const THIRD_PERSON_SINGULAR: &[&str] = &["hij"];
/// "ze"/"zij": "she" next to a singular finite verb (`SINGULAR_FINITE_VERBS`), else "they".
pub const THIRD_PERSON_FEMININE_OR_PLURAL: &[&str] = &["ze", "zij"];
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
    "Algemene",
    "Arbeid",
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
    "Handel",
    "Informatie",
    "Infrastructuur",
    "Integratie",
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
    "Sociale",
    "Sport",
    "Veiligheid",
    "Verkeer",
    "Volksgezondheid",
    "Volkshuisvesting",
    "Waterstaat",
    "Welzijn",
    "Werk",
    "Wetenschap",
    "Wonen",
    "Zaken",
];

/// Political parties a bracket after a politician's name gives ("Bert Anciaux (VU)"):
/// Dutch, Belgian and a few large foreign ones, as Dutch news writes them. A bracketed
/// organisation that is no party (`is_party_or_body`) is an employer or team
/// ("Karsten Kroon (Rabo)": WORKS_FOR).
pub const POLITICAL_PARTIES: &[&str] = &[
    // Netherlands
    "VVD",
    "CDA",
    "PvdA",
    "D66",
    "SP",
    "GroenLinks",
    "GL",
    "ChristenUnie",
    "CU",
    "SGP",
    "PVV",
    "PvdD",
    "LPF",
    "Leefbaar Nederland",
    "Leefbaar Rotterdam",
    "CPN",
    "PSP",
    "PPR",
    "GPV",
    "RPF",
    "DS'70",
    "Boerenpartij",
    "JA21",
    "FvD",
    "Forum voor Democratie",
    "DENK",
    "BBB",
    "Volt",
    "50PLUS",
    "NSC",
    "KVP",
    "ARP",
    "CHU",
    // Belgium
    "CVP",
    "CD&V",
    "VLD",
    "Open VLD",
    "Open Vld",
    "SP.A",
    "sp.a",
    "SP.a",
    "Vooruit",
    "VU",
    "Volksunie",
    "N-VA",
    "Agalev",
    "Groen",
    "Groen!",
    "Vlaams Blok",
    "Vlaams Belang",
    "PS",
    "PRL",
    "MR",
    "CDH",
    "cdH",
    "PSC",
    "FDF",
    "Ecolo",
    "PVDA",
    "PTB",
    "Spirit",
    "ID21",
    "Lijst Dedecker",
    "LDD",
    "VU-ID",
    "FN",
    // elsewhere
    "SPD",
    "CDU",
    "CSU",
    "FDP",
    "PDS",
    "AfD",
    "Die Linke",
    "Grünen",
    "Labour",
    "UMP",
    "RPR",
    "UDF",
    "Likoed",
    "Likud",
    "Kadima",
    "Arbeidspartij",
    "ANC",
    "PRI",
    "PSOE",
    "PP",
    "ÖVP",
    "SPÖ",
    "FPÖ",
    "SVP",
];

/// Words that make an organisation's name a party or an elected body ("Vlaamse
/// Gemeenschapscommissie", "Communistische Partij"), whose people are members.
const BODY_NAME_ENDINGS: &[&str] = &["partij", "party", "commissie", "fractie", "raad", "parlement", "senaat", "kamer"];

/// Is `name` a political party or an elected body (MEMBER_OF), as opposed to an employer?
pub fn is_party_or_body(name: &str) -> bool {
    let lower = name.to_lowercase();
    POLITICAL_PARTIES.contains(&name)
        || lower.split_whitespace().any(|w| BODY_NAME_ENDINGS.iter().any(|e| w.ends_with(e)))
}
