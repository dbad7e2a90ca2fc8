//! Typed relations and quotes on the hand-annotated development sets: `tests/relations/dev.tsv`
//! (15 CoNLL articles) and `tests/relations/alpino.tsv` (30 UD Alpino newspaper texts).
//! The floors sit just under the current dev figures (docs/relations.md), so a change that
//! loses facts or precision fails here. The bars for typed relations (precision
//! 0.85, recall 0.60) are not met yet; quote speakers meet theirs (0.90 / 0.80) on
//! alpino.tsv, the set they were developed on, not on alpino-held.tsv, annotated blind
//! and kept out of development (its floor guards it against getting worse).

use crate::common::*;

/// `kennisgraaf eval relations --gold FILE` and the figures of its line starting `label`.
/// `data` is the folder of its sources: the Alpino sets' texts are in the repository
/// (`test_data`), the CoNLL set's are not (`shared`).
fn figures(gold: &str, data: std::path::PathBuf, label: &str) -> (f64, f64, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kennisgraaf"))
        .current_dir(repo(""))
        .args(["eval", "relations", "--gold", gold, "--data"])
        .arg(data)
        .output()
        .expect("binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let line = stdout.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("no {label} in {stdout}"));
    let figure = |name: &str| -> f64 {
        let at = line.find(name).unwrap_or_else(|| panic!("{name} in {line:?}")) + name.len();
        line[at..].split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{line:?}"))
    };
    (figure("precision"), figure("recall"), stdout)
}

#[test]
fn typed_relations_keep_their_figures_on_the_conll_articles() {
    let (precision, recall, stdout) = figures("tests/relations/dev.tsv", shared(""), "all typed");
    assert!(stdout.contains("15 articles"), "{stdout}");
    assert!(precision >= 0.72, "typed precision {precision} below 0.72\n{stdout}");
    assert!(recall >= 0.45, "typed recall {recall} below 0.45\n{stdout}");
}

#[test]
fn typed_relations_and_quote_speakers_keep_their_figures_on_the_alpino_texts() {
    let (precision, recall, stdout) = figures("tests/relations/alpino.tsv", test_data(""), "all typed");
    assert!(stdout.contains("30 articles"), "{stdout}");
    assert!(precision >= 0.70 && recall >= 0.43, "typed precision {precision}, recall {recall}\n{stdout}");
    let (precision, recall, stdout) = figures("tests/relations/alpino.tsv", test_data(""), "quote speaker");
    assert!(precision >= 0.93 && recall >= 0.85, "quote speakers: precision {precision}, recall {recall}\n{stdout}");
}

#[test]
fn quote_speakers_keep_their_figures_on_the_held_out_alpino_texts() {
    let (precision, recall, stdout) = figures("tests/relations/alpino-held.tsv", test_data(""), "quote speaker");
    assert!(stdout.contains("44 articles"), "{stdout}");
    assert!(precision >= 0.66 && recall >= 0.47, "quote speakers: precision {precision}, recall {recall}\n{stdout}");
}

#[test]
fn quote_speakers_keep_their_figures_on_the_conll_quotes_set() {
    let (precision, recall, stdout) = figures("tests/relations/quotes-testa.tsv", shared(""), "quote speaker");
    assert!(precision >= 0.59 && recall >= 0.46, "quote speakers: precision {precision}, recall {recall}\n{stdout}");
}

/// The typed relations of `text` as (source, kind, target, predicate), by entity name.
fn typed(text: &str) -> Vec<(String, String, String, String)> {
    let x = parsing_extractor().extract(text);
    let name = |e: usize| x.entities[e].name.clone();
    x.relations
        .iter()
        .filter(|r| r.kind != kennisgraaf::model::RelationKind::CoOccurs)
        .map(|r| (name(r.source), r.kind.as_str().to_string(), name(r.target), r.predicate.clone()))
        .collect()
}

fn has(text: &str, source: &str, kind: &str, target: &str) {
    let found = typed(text);
    assert!(
        found.iter().any(|(s, k, t, _)| s.contains(source) && k == kind && t.contains(target)),
        "no {source} {kind} {target} in {found:?}"
    );
}

#[test]
fn a_copula_states_a_role_with_its_organisation() {
    has(
        "Pieter Jansen is sinds maart 2004 directeur bij het Nederlandse bedrijf Philips in Eindhoven.",
        "Pieter Jansen",
        "HOLDS_ROLE",
        "Philips",
    );
    let x = parsing_extractor().extract("Vorig jaar werkte Marieke de Groot nog als regisseur in Utrecht.");
    let marieke = x.entities.iter().find(|e| e.name.contains("Marieke")).expect("Marieke");
    assert!(marieke.roles.iter().any(|r| r == "regisseur"), "{:?}", marieke.roles);
}

#[test]
fn a_role_noun_after_a_preposition_is_nobodys_role() {
    let x = parsing_extractor().extract("Karel Smit is boos op de directeur van het ziekenhuis.");
    let karel = x.entities.iter().find(|e| e.name.contains("Smit")).expect("Smit");
    assert!(karel.roles.is_empty(), "{:?}", karel.roles);
}

#[test]
fn membership_employment_and_portfolios_in_brackets_and_clauses() {
    has("Daarna sprak Els Peeters (CD&V) de zaal toe.", "Els Peeters", "MEMBER_OF", "CD&V");
    has("In de finale reed Tom Boonen (Quick-Step) weg van de groep.", "Tom Boonen", "WORKS_FOR", "Quick-Step");
    has("Sinds 2003 speelt Wesley Sneijder bij Ajax in Amsterdam.", "Wesley Sneijder", "WORKS_FOR", "Ajax");
    has("Jan Pronk is lid van de Partij van de Arbeid.", "Jan Pronk", "MEMBER_OF", "Partij van de Arbeid");
    let found = typed("Volgens minister Laurens Brinkhorst (Landbouw) is de maatregel nodig.");
    assert!(!found.iter().any(|(_, k, _, _)| k == "MEMBER_OF"), "a portfolio is no party: {found:?}");
}

#[test]
fn a_kind_noun_before_a_name_types_it_and_a_place_adjective_locates_it() {
    let x = parsing_extractor().extract("Het Franse energieconcern Voltaris wil volgend jaar meer windmolens bouwen.");
    let voltaris = x.entities.iter().find(|e| e.name == "Voltaris").expect("Voltaris");
    assert_eq!(voltaris.entity_type, kennisgraaf::model::EntityType::Organization);
    has(
        "Het Franse energieconcern Voltaris wil volgend jaar meer windmolens bouwen.",
        "Voltaris",
        "LOCATED_IN",
        "Frankrijk",
    );
}

#[test]
fn a_place_adjective_and_an_institution_name_one_countrys_institution() {
    let text = "De Noorse regering en het Chileense parlement kregen een brief van de Deense geheime dienst. \
                Een Franse bank wilde niet reageren.";
    let x = parsing_extractor().extract(text);
    let names: Vec<&str> = x.entities.iter().map(|e| e.name.as_str()).collect();
    for institution in ["Noorse regering", "Chileense parlement", "Deense geheime dienst"] {
        let e =
            x.entities.iter().find(|e| e.name == institution).unwrap_or_else(|| panic!("{institution} in {names:?}"));
        assert_eq!(e.entity_type, kennisgraaf::model::EntityType::Organization, "{institution}");
    }
    has(text, "Noorse regering", "LOCATED_IN", "Noorwegen");
    has(text, "Chileense parlement", "LOCATED_IN", "Chili");
    has(text, "Deense geheime dienst", "LOCATED_IN", "Denemarken");
    // Indefinite: some bank, not one institution of the country.
    assert!(!names.iter().any(|n| n.contains("bank")), "{names:?}");
}

#[test]
fn a_nationality_noun_a_defined_acronym_and_a_compound_role_type_the_name_they_go_with() {
    let text = "De Zweed Lindqvist won de rit. Noordwind Energie (NE) kocht Zonnepark Oost. \
                KLM-baas Kees Dekker zweeg en GL-politicus Lotte Maas protesteerde.";
    let x = parsing_extractor().extract(text);
    let type_of = |name: &str| {
        x.entities.iter().find(|e| e.name == name).map(|e| e.entity_type).unwrap_or_else(|| panic!("no {name}"))
    };
    use kennisgraaf::model::EntityType::{Organization, Person};
    assert_eq!(type_of("Lindqvist"), Person, "a nationality noun before a name names a person");
    assert_eq!(type_of("Noordwind Energie"), Organization, "a name the text gives an acronym is no person");
    assert_eq!(type_of("KLM"), Organization, "the name in a compound role is an organisation");
    has(text, "Kees Dekker", "HOLDS_ROLE", "KLM");
    // A politician of a party is one of its members, not an office holder.
    has(text, "Lotte Maas", "MEMBER_OF", "GL");
}

#[test]
fn an_organisation_of_a_place_is_located_there() {
    has("De brandweer van Leeuwarden rukte uit.", "brandweer", "LOCATED_IN", "Leeuwarden");
    // A place in the name of an event is part of the name, not where a thing is.
    let found = typed("De Grote Prijs van Frankrijk werd gewonnen door Schumacher.");
    assert!(!found.iter().any(|(_, k, _, _)| k == "LOCATED_IN"), "{found:?}");
}

#[test]
fn the_parse_finds_subjects_in_apposition_and_coordination_and_employment_by_verb() {
    // The subject is a role noun with the name in apposition; so is the object.
    has(
        "In Parijs struikelde de Franse krachtpatser Anna Berg onverwacht over Petra Blondeel.",
        "Anna Berg",
        "VERB",
        "Petra Blondeel",
    );
    has(
        "De Zeeuwse biljarter Kees Bos versloeg in de finale de Duitser Fabian Blondeel.",
        "Kees Bos",
        "VERB",
        "Fabian Blondeel",
    );
    // The second verb of a coordination shares the first one's subject.
    has("Ajax won zondag met 2-1 van PSV en versloeg woensdag Feyenoord.", "Ajax", "VERB", "Feyenoord");
    // A verb of playing for a club, its subject past a relative clause the token pattern
    // does not look across, is employment.
    has("Marco Bos, die vorig jaar nog de beker won, speelt sinds maart bij Ajax.", "Marco Bos", "WORKS_FOR", "Ajax");
    // Whoever is absent is no party to the verb.
    let found = typed("Marieke Smit won de titel zonder Ellen de Boer.");
    assert!(!found.iter().any(|(s, _, t, _)| s.contains("Smit") && t.contains("Boer")), "{found:?}");
}

/// The quotes of `text` as (speaker name or "", quote text).
fn speakers(text: &str) -> Vec<(String, String)> {
    let x = parsing_extractor().extract(text);
    x.quotes.iter().map(|q| (q.speaker.map_or(String::new(), |e| x.entities[e].name.clone()), q.text.clone())).collect()
}

#[test]
fn a_spokesperson_speaks_for_their_organisation_and_a_new_sentence_is_no_speech_tag() {
    let found = speakers("\"We onderzoeken de zaak\", zei een woordvoerder van Philips.");
    assert_eq!(found.first().map(|(s, _)| s.as_str()), Some("Philips"), "{found:?}");
    let found = speakers("\"Dat klopt niet\", zegt een ING-woordvoerder.");
    assert_eq!(found.first().map(|(s, _)| s.as_str()), Some("ING"), "{found:?}");
    // Named after the organisation, the spokesperson speaks as themselves.
    let found = speakers("\"Het is goed\", stelt de woordvoerder van ING, Karin Bos.");
    assert_eq!(found.first().map(|(s, _)| s.as_str()), Some("Karin Bos"), "{found:?}");
    // The next paragraph's "Volgens …" is not the first quote's tag.
    let found =
        speakers("De directeur Hans Kok zei: \"We gaan sluiten.\"\n\nVolgens Hans Kok is de fabriek verouderd.");
    assert_eq!(found.first().map(|(s, _)| s.as_str()), Some("Hans Kok"), "{found:?}");
}

#[test]
fn a_role_or_kind_noun_after_volgens_leads_to_the_speaker_and_a_portfolio_is_the_roles_ministry() {
    let text = "Volgens minister van Financiën Jan Peters is de begroting nu op orde.";
    let found = speakers(text);
    assert_eq!(found.first().map(|(s, _)| s.as_str()), Some("Jan Peters"), "{found:?}");
    has(text, "Jan Peters", "HOLDS_ROLE", "Financiën");
    has(
        "Gisteren sprak minister van Sociale Zaken Wouter Koolmees in Den Haag.",
        "Koolmees",
        "HOLDS_ROLE",
        "Sociale Zaken",
    );
    let found = speakers("Volgens de Britse krant The Guardian zijn de onderhandelingen vastgelopen.");
    assert_eq!(found.first().map(|(s, _)| s.as_str()), Some("The Guardian"), "{found:?}");
    // No role or kind noun: the word after "volgens" must be the speaker's.
    let found = speakers("Volgens de cijfers van Statistiek Vlaanderen is de werkloosheid gedaald.");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_country_adjective_before_a_role_is_the_country_the_role_is_held_in() {
    // The text need not name the country.
    has(
        "De Amerikaanse president George Bush bezocht gisteren Berlijn.",
        "George Bush",
        "HOLDS_ROLE",
        "Verenigde Staten",
    );
    has("Gisteren sprak de Franse premier Lionel Jospin in Parijs.", "Lionel Jospin", "HOLDS_ROLE", "Frankrijk");
    // An organisation after the role is where it is held.
    let found = typed("De Franse minister van Defensie Alain Richard was er ook.");
    let roles: Vec<_> = found.iter().filter(|(s, k, _, _)| s == "Alain Richard" && k == "HOLDS_ROLE").collect();
    assert!(roles.len() == 1 && roles[0].2 == "Defensie", "{found:?}");
}

#[test]
fn a_name_before_a_role_noun_in_a_compound_is_the_organisation_the_role_is_held_at() {
    // The text names Philips nowhere else.
    has("Philips-topman Jan Smit is tevreden over de cijfers.", "Jan Smit", "HOLDS_ROLE", "Philips");
    has("Ahold-CEO Peter Visser trad gisteren af.", "Peter Visser", "HOLDS_ROLE", "Ahold");
    // A role prefix is no name.
    let x = parsing_extractor().extract("Oud-trainer Cees Vervoorn sprak de ploeg toe.");
    assert!(!x.entities.iter().any(|e| e.name == "Oud"), "{:?}", x.entities);
}

#[test]
fn nouns_of_ownership_and_of_parts_state_owns_and_part_of() {
    has("Vorig jaar werd bekend dat Unilever, het moederbedrijf van Unox, winst maakte.", "Unilever", "OWNS", "Unox");
    // A subsidiary is owned by the company after its "van", which the tagger's place is not.
    let found = typed("De opdracht ging naar Getronics, een dochter van KPN.");
    assert!(found.iter().any(|(s, k, t, _)| s == "KPN" && k == "OWNS" && t == "Getronics"), "{found:?}");
    let x = parsing_extractor().extract("De opdracht ging naar Getronics, een dochter van KPN.");
    let getronics = x.entities.iter().find(|e| e.name == "Getronics").expect("Getronics");
    assert_eq!(getronics.entity_type, kennisgraaf::model::EntityType::Organization);
    has("Het Nederlandse Telfort maakt sinds 2005 deel uit van KPN.", "Telfort", "PART_OF", "KPN");
    // Taking over a company, in the passive, by one the tagger took for a place; a player
    // bought is not owned.
    has("Het bedrijf Fokker werd in 1996 overgenomen door het Duitse Daimler.", "Daimler", "OWNS", "Fokker");
    let found = typed("Gisteren kocht Ajax de spits Luis Suarez van Groningen.");
    assert!(!found.iter().any(|(_, k, _, _)| k == "OWNS"), "{found:?}");
    // A person who owns a café holds a role; places are parts of no organisation.
    let found = typed("Jan Smit, eigenaar van Café Bos, is boos. Nederland is een onderdeel van Europa.");
    assert!(!found.iter().any(|(_, k, _, _)| k == "OWNS" || k == "PART_OF"), "{found:?}");
}

#[test]
fn an_english_title_is_a_role_and_no_part_of_a_name() {
    let text = "Peter Visser, Chief Executive Officer van Ahold, trad gisteren af.";
    has(text, "Peter Visser", "HOLDS_ROLE", "Ahold");
    let x = parsing_extractor().extract(text);
    assert!(!x.entities.iter().any(|e| e.name.contains("Officer")), "{:?}", x.entities);
}

#[test]
fn a_short_form_in_brackets_after_a_preposition_is_no_speaker() {
    let found = speakers(
        "Schepen Janssens, tevens ambtenaar bij het Instituut voor Natuurbehoud, Bosbeheer en Visserij (INBV), \
         gaf gisteren toe dat de vergunning ontbrak.",
    );
    assert_eq!(found.first().map(|(s, _)| s.as_str()), Some("Janssens"), "{found:?}");
}

#[test]
fn a_countrys_people_in_the_plural_stand_for_the_country() {
    has("De Noren versloegen gisteren Denemarken met 3 - 1.", "Noorwegen", "VERB", "Denemarken");
    has("In de halve finale hadden de sterke Kroaten afgerekend met Spanje.", "Kroatië", "VERB", "Spanje");
    // One of them is a person, not the country.
    let found = typed("De Zweed versloeg gisteren Rafael Nadal in drie sets.");
    assert!(!found.iter().any(|(s, _, _, _)| s == "Zweden"), "{found:?}");
}

#[test]
fn an_event_the_tagger_ran_on_into_its_place_is_two_names() {
    has("Warners haalde in Götzis de limiet voor het WK in Edmonton.", "WK", "LOCATED_IN", "Edmonton");
    let x = parsing_extractor().extract("Warners haalde in Götzis de limiet voor het WK in Edmonton.");
    assert!(!x.entities.iter().any(|e| e.name.contains("WK in")), "{:?}", x.entities);
}

#[test]
fn reported_speech_by_separable_verbs_mid_clause_attributions_and_scare_quotes() {
    let said = |text: &str| -> Vec<(String, String)> {
        let x = parsing_extractor().extract(text);
        x.quotes
            .iter()
            .filter(|q| q.kind == kennisgraaf::model::QuoteKind::Reported)
            .map(|q| (q.speaker.map_or(String::new(), |e| x.entities[e].name.clone()), q.text.clone()))
            .collect()
    };
    // A separable verb: the particle stands between the verb and "dat".
    let found = said("Philips deelt mee dat de fabriek in Eindhoven dichtgaat.");
    assert_eq!(found, [("Philips".into(), "de fabriek in Eindhoven dichtgaat".into())], "{found:?}");
    let found = said("Gisteren liet minister Jan Peters weten dat het bod te laag is.");
    assert_eq!(found.first().map(|(s, _)| s.as_str()), Some("Jan Peters"), "{found:?}");
    let found = said("Het bedrijf Philips sluit niet uit dat de fabriek in Eindhoven dichtgaat.");
    assert_eq!(found, [("Philips".into(), "de fabriek in Eindhoven dichtgaat".into())], "{found:?}");
    // "volgens X" inside the clause is cut out of what X said.
    let found = said("De oorzaak moet volgens Jan Peters gezocht worden in de regels.");
    assert_eq!(found, [("Jan Peters".into(), "De oorzaak moet gezocht worden in de regels".into())], "{found:?}");
    // …but after "maar" it opens the clause.
    let found = said("De ploeg won, maar volgens Jan Peters was het geluk.");
    assert_eq!(found, [("Jan Peters".into(), "was het geluk".into())], "{found:?}");
    // Scare quotes do not make a sentence a direct quote's.
    let found = said("Minister Piet de Vries heeft geëist dat er een 'regering van eenheid' komt.");
    assert_eq!(found.first().map(|(s, _)| s.as_str()), Some("Piet de Vries"), "{found:?}");
    // The tag may go on after its speaker; a leading "Maar" is no part of what was said.
    let found = said("Maar de bank wil hem niet kwijt, zegt Jan Peters met nadruk.");
    assert_eq!(found, [("Jan Peters".into(), "de bank wil hem niet kwijt".into())], "{found:?}");
}

#[test]
fn a_named_spokesperson_speaks_as_themselves_and_a_tag_may_run_to_a_comma() {
    let found = speakers("\"Het stadionverbod is niet genoeg\", zegt KNVB-woordvoerder Jan de Leede.");
    assert_eq!(found.first().map(|(s, _)| s.as_str()), Some("Jan de Leede"), "{found:?}");
    // One quote around a tag with an adverbial phrase; the names in it do not make it a title.
    let found = speakers(
        "\"Dat vreesde ik al\", verklaarde de trainer Piet Bakker na de wedstrijd, \"iedereen bij Ajax weet het.\"",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "Piet Bakker", "{found:?}");
    // A term in quote marks inside the narration is no quote.
    let found = speakers("Jan Peters wil een 'regering van nationale eenheid' vormen.");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_nationality_noun_refers_to_the_one_person_introduced_with_it() {
    let text = "In de derde ronde won de Argentijn Guillermo Canas van Yevgeny Kafelnikov.\n\n\
                \"Ik wist dat ik kon winnen\", verklaarde de 24-jarige Argentijn na afloop.";
    let found = speakers(text);
    assert_eq!(found.first().map(|(s, _)| s.as_str()), Some("Guillermo Canas"), "{found:?}");
    // Two people introduced as one nationality: the noun names neither.
    let text = "De Argentijn Guillermo Canas versloeg de Argentijn Juan Ignacio Chela.\n\n\
                \"Ik wist dat ik kon winnen\", verklaarde de Argentijn na afloop.";
    let found = speakers(text);
    assert_eq!(found.first().map(|(s, _)| s.as_str()), Some(""), "{found:?}");
}

#[test]
fn an_initial_and_surname_particles_join_the_surname() {
    let x = parsing_extractor().extract("Dat zei boerenvoorman J. van 't Hof uit Sint-Annaland gisteren.");
    assert!(x.entities.iter().any(|e| e.name == "J. van 't Hof"), "{:?}", x.entities);
    let x = parsing_extractor().extract("Hij sprak met Piet de Vries van de Rabobank.");
    assert!(x.entities.iter().any(|e| e.name == "Rabobank"), "{:?}", x.entities);
}

#[test]
fn a_name_inside_a_compound_is_no_party_to_the_verb() {
    let found = typed("De Wimbledon-winnares van 1999 e-mailt iedere dag met Corina Morariu.");
    assert!(!found.iter().any(|(s, k, _, _)| s == "Wimbledon" && k == "VERB"), "{found:?}");
}

#[test]
fn each_place_of_a_list_after_in_locates_the_name() {
    let text = "De politie in Gent, Antwerpen en Luik zoekt de daders.";
    for place in ["Gent", "Antwerpen", "Luik"] {
        has(text, "politie", "LOCATED_IN", place);
    }
    // The list ends at the first name that is no place.
    let found = typed("Ajax in Amsterdam en PSV speelden gelijk.");
    assert!(!found.iter().any(|(s, k, _, t)| s == "Ajax" && k == "LOCATED_IN" && t == "PSV"), "{found:?}");
}

#[test]
fn a_compound_of_ownership_before_a_name_owns_or_is_owned() {
    has("De Unox-eigenaar Unilever verkoopt de tak.", "Unilever", "OWNS", "Unox");
    has("KPN-dochter Getronics ontslaat 300 mensen.", "KPN", "OWNS", "Getronics");
    has("Philips-divisie Lighting groeit.", "Lighting", "PART_OF", "Philips");
    // A role compound that is no ownership makes no OWNS.
    let found = typed("Philips-topman Jan Smit stapt op.");
    assert!(!found.iter().any(|(_, k, _, _)| k == "OWNS"), "{found:?}");
}

#[test]
fn an_age_in_brackets_after_a_name_does_not_hide_its_role() {
    has("Jan de Vries (45), directeur van ING, reageerde verbaasd.", "Jan de Vries", "HOLDS_ROLE", "ING");
    has("Marie Smit (52) is voorzitter van de KNVB.", "Marie Smit", "HOLDS_ROLE", "KNVB");
}

#[test]
fn an_acronym_before_a_full_stop_is_the_same_name() {
    let x = parsing_extractor().extract("Tom Jansen werkt bij ING. Hij is tevreden over ING.");
    let names: Vec<&str> = x.entities.iter().map(|e| e.name.as_str()).collect();
    assert!(names.contains(&"ING") && !names.iter().any(|n| n.ends_with('.')), "{names:?}");
}

#[test]
fn a_compound_of_two_roles_is_one_role_not_an_organisation() {
    let x =
        parsing_extractor().extract("Minister-president Mark Rutte ontving koning Willem-Alexander op het Catshuis.");
    let names: Vec<&str> = x.entities.iter().map(|e| e.name.as_str()).collect();
    assert!(!names.contains(&"Minister"), "{names:?}");
    let rutte = x.entities.iter().find(|e| e.name == "Mark Rutte").expect("Mark Rutte");
    assert!(rutte.roles.iter().any(|r| r == "minister-president"), "{:?}", rutte.roles);
    assert!(typed("Minister-president Mark Rutte sprak.").iter().all(|(_, k, _, _)| k != "HOLDS_ROLE"));
}

#[test]
fn a_demonym_that_is_a_first_name_stays_in_a_persons_name() {
    let names = |text: &str| -> Vec<String> {
        parsing_extractor().extract(text).entities.iter().map(|e| e.name.clone()).collect()
    };
    let found = names("Frans Timmermans voert campagne. Frans Bauer zingt.");
    assert!(found.contains(&"Frans Timmermans".to_string()) && found.contains(&"Frans Bauer".to_string()), "{found:?}");
    // A nationality noun is no first name: "Duitser Beerbaum" is Beerbaum.
    let found = names("Duitser Beerbaum won de Grote Prijs.");
    assert!(found.contains(&"Beerbaum".to_string()) && !found.iter().any(|n| n.contains("Duitser")), "{found:?}");
}

#[test]
fn an_organisation_is_located_where_it_is_seated() {
    has("Heineken, dat is gevestigd in Amsterdam, verhoogt de prijzen.", "Heineken", "LOCATED_IN", "Amsterdam");
    has("Het in Veldhoven gevestigde bedrijf ASML groeit.", "ASML", "LOCATED_IN", "Veldhoven");
    has("Heineken, dat in Amsterdam gevestigd is, groeit.", "Heineken", "LOCATED_IN", "Amsterdam");
    // Where it does business is not where it is seated.
    let found = typed("ING verkoopt kantoren in Amsterdam.");
    assert!(!found.iter().any(|(_, k, _, _)| k == "LOCATED_IN"), "{found:?}");
}

#[test]
fn a_speech_verb_with_a_party_outside_quotes_is_a_fact() {
    has("Het Openbaar Ministerie vervolgt Jan Smit.", "Openbaar Ministerie", "VERB", "Jan Smit");
    has("Mark Rutte sprak met Emmanuel Macron over migratie.", "Mark Rutte", "VERB", "Emmanuel Macron");
    // What is said, and where, is no party: the quotes hold it.
    let found = typed("\"Ajax is de beste club\", zegt Jan Smit in De Telegraaf.");
    assert!(!found.iter().any(|(_, k, _, _)| k == "VERB"), "{found:?}");
}

#[test]
fn the_side_of_a_score_is_a_party_to_the_verb() {
    has("Ajax verloor zondag met 2-1 van PSV.", "Ajax", "VERB", "PSV");
}
