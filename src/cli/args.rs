//! Command-line arguments as the user types them (clap). `cli::run` turns them into
//! validated configuration for the library; no stage sees these types.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The heading of the options every command takes (listed once, apart from a command's own).
const GLOBAL: &str = "Global options";

#[derive(Debug, Parser)]
#[command(
    name = "kennisgraaf",
    version,
    about = "Build a knowledge graph from Dutch news and serve it over GraphQL",
    long_about = "kennisgraaf reads Dutch news articles, extracts people, organisations, places, laws and \
the relations between them (each with the sentence that supports it), keeps them in an embedded \
sled store (or a PostgreSQL database shared by many processes) and serves the graph over GraphQL with GraphiQL in the browser.\n\n\
Start with `kennisgraaf serve`: on an empty store it first ingests the bundled corpus in data/corpus."
)]
pub struct Cli {
    /// Where the store is: a folder (an embedded sled store) or a PostgreSQL URL
    /// (`postgres://user@host:5432/db`). `ingest` and `serve` create it if missing; the
    /// other commands refuse a missing one.
    #[arg(long, global = true, help_heading = GLOBAL, env = "KENNISGRAAF_STORE", default_value = "kennisgraaf.store")]
    pub store: String,
    #[command(flatten)]
    pub models: ModelArgs,
    /// Log filter, e.g. `info`, `debug`, `kennisgraaf=trace` (RUST_LOG also works).
    #[arg(long, global = true, help_heading = GLOBAL, default_value = "info")]
    pub log: String,
    #[command(subcommand)]
    pub command: Command,
}

/// The model files the extractor loads.
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// NER model file (made by `kennisgraaf train ner`).
    #[arg(long, global = true, help_heading = GLOBAL, env = "KENNISGRAAF_MODEL", default_value = "data/models/ner-nl.kgm")]
    pub model: PathBuf,
    /// Wikidata name index for entity linking (made by `kennisgraaf train link`).
    #[arg(long, global = true, help_heading = GLOBAL, env = "KENNISGRAAF_WIKIDATA", default_value = "data/models/wikidata-nl.kgw")]
    pub wikidata: PathBuf,
    /// Syntax model: tagger, lemmatiser and dependency parser (made by `kennisgraaf train syntax`).
    #[arg(long, global = true, help_heading = GLOBAL, env = "KENNISGRAAF_SYNTAX_MODEL", default_value = "data/models/syntax-nl.kgs")]
    pub syntax_model: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve GraphQL at /graphql and GraphiQL at / (ingests data/corpus first if the store is empty).
    Serve(ServeArgs),
    /// Add articles: .txt files (optional header lines `date`, `title`, `url`) or .jsonl files, or folders of them.
    Ingest(IngestArgs),
    /// Print what would be extracted from one file as JSON; stores nothing.
    Extract(ExtractArgs),
    /// Print counts of documents, entities, relations and mentions in the store.
    Stats,
    /// Find entities by name or alias as the GraphQL `search` does: ids, types, mention and
    /// document counts (ids for `export --around`).
    Search(SearchArgs),
    /// Verify the store: every mention's entity exists, every relation has evidence, indexes agree.
    Check,
    /// Write the graph (or part of it) for Gephi, Cytoscape, Graphviz, networkx or Neo4j.
    Export(ExportArgs),
    /// Show or replay the curation log (merges, renames, retypes, split aliases, deleted documents).
    #[command(subcommand)]
    Curation(CurationCommand),
    /// Move a whole store between backends (sled folder, PostgreSQL database).
    #[command(subcommand)]
    Store(StoreCommand),
    /// Train a model from annotated data.
    #[command(subcommand)]
    Train(TrainCommand),
    /// Measure extraction quality on annotated data.
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. An address beyond loopback needs --public.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Allow --addr beyond loopback: anyone who can reach it can read the whole store.
    #[arg(long)]
    pub public: bool,
    /// A host name clients may use besides the address served (the `Host` header; repeatable),
    /// e.g. the name of a reverse proxy.
    #[arg(long = "allowed-host")]
    pub allowed_hosts: Vec<String>,
    /// Corpus ingested when the store is empty.
    #[arg(long, default_value = "data/corpus")]
    pub corpus: PathBuf,
    /// Do not ingest the corpus, even into an empty store.
    #[arg(long)]
    pub no_seed: bool,
    /// Curation log replayed after the corpus is ingested into an empty store (if the file exists).
    #[arg(long, default_value = "data/curations.jsonl")]
    pub curations: PathBuf,
    /// Bearer token that mutations require; without one, mutations are refused.
    #[arg(long, env = "KENNISGRAAF_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Web origins besides the server's own allowed to call the API from a browser (CORS and
    /// WebSocket; repeatable), e.g. https://app.example; none by default.
    #[arg(long = "cors-origin")]
    pub cors_origins: Vec<String>,
    /// Longest a GraphQL query may run, in seconds (a mutation checks it before it starts).
    #[arg(long, default_value_t = 30)]
    pub timeout_secs: u64,
    /// Most connections open at once; past it new ones get 503.
    #[arg(long, default_value_t = 512)]
    pub max_connections: usize,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files or folders to ingest.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Refuse files larger than this many bytes.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    pub max_file_bytes: u64,
    /// Flush to disk after this many stored documents; each flushed document's id is then
    /// printed on stdout (acknowledged: it survives a crash from then on).
    #[arg(long, default_value_t = 32)]
    pub flush_every: usize,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// A name or the start of one, or of a word in it; case and accents do not matter.
    pub name: String,
    /// List at most this many entities, best match first.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// A .txt or .jsonl file.
    pub file: PathBuf,
    /// Also print every sentence's words with their UPOS tag, features, lemma, head and
    /// dependency relation (the parse the relation rules read).
    #[arg(long)]
    pub syntax: bool,
}

#[derive(Debug, Subcommand)]
pub enum CurationCommand {
    /// Print every curation made, oldest first, one JSON object a line (the format `replay` reads).
    Log,
    /// Apply the curations of a log (from `curation log`) to this store, in order: for a
    /// store rebuilt from the same documents. Curations whose entities or documents are
    /// missing are reported and skipped.
    Replay(ReplayArgs),
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Copy everything a store holds (documents, entities, relations, mentions, evidence,
    /// quotes, name indexes, Wikidata links, curations with their merges, splits and
    /// deleted documents) into an empty store, of the same backend or the other; then
    /// check the copy. The global --store is not used.
    Copy(CopyArgs),
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// The store to copy: a folder (sled) or a PostgreSQL URL (`postgres://user@host:5432/db`). Only read.
    #[arg(long)]
    pub from: String,
    /// Where to copy it: a new or empty folder, or an empty PostgreSQL database (its tables are
    /// created). A target that already holds documents, entities or curations is refused.
    #[arg(long)]
    pub to: String,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A file written by `kennisgraaf curation log`.
    pub file: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// Train the named-entity tagger on CoNLL-format data (`word [POS] TAG` per line).
    Ner(TrainNerArgs),
    /// Build the Wikidata name index the entity linker uses.
    Link(TrainLinkArgs),
    /// Train the POS tagger, lemmatiser and dependency parser on CoNLL-U treebanks.
    Syntax(TrainSyntaxArgs),
}

/// The default training treebanks: every Dutch UD file in ../shared/data except the
/// Alpino test file, which is the evaluation file and never trained on.
const SYNTAX_TRAIN: [&str; 4] = [
    "../shared/data/ud_dutch/UD_Dutch-LassySmall__nl_lassysmall-ud-train-v2.0-disjoint.conllu",
    "../shared/data/ud_dutch/UD_Dutch-LassySmall__nl_lassysmall-ud-dev.conllu",
    "../shared/data/ud_dutch/UD_Dutch-LassySmall__nl_lassysmall-ud-test.conllu",
    "../shared/data/ud_dutch/UD_Dutch-Alpino__nl_alpino-ud-dev.conllu",
];

/// The default unlabelled text for the syntax model's word clusters: the Wikidata labels
/// (CC0; none of it from the Alpino test file). Not CoNLL-2002's text: its research-only
/// terms cannot be combined with the treebanks' CC BY-SA, which the model carries.
const SYNTAX_CLUSTER_TEXT: [&str; 1] = ["../shared/data/wikidata_nl/labels-aliases-nl.tsv"];

#[derive(Debug, Args)]
pub struct TrainSyntaxArgs {
    /// Training treebanks in CoNLL-U format (default: the Dutch UD files in ../shared/data
    /// except the Alpino test file).
    #[arg(long, num_args = 1.., default_values = SYNTAX_TRAIN)]
    pub train: Vec<PathBuf>,
    /// A treebank scored after every parser epoch (report only; a file that is also
    /// trained on overstates its scores).
    #[arg(long)]
    pub dev: Option<PathBuf>,
    /// A word list whose affix flags tell word classes (hunspell's nl.dic from Debian's
    /// hunspell-nl: `apt-get install hunspell-nl`).
    #[arg(long, default_value = "/usr/share/hunspell/nl.dic")]
    pub words: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "data/models/syntax-nl.kgs")]
    pub out: PathBuf,
    /// Unlabelled text for the word clusters the tagger and parser read, besides the
    /// training treebanks' words (formats as for `train ner --cluster-text`). Never give
    /// the evaluation treebank or text built from it (`news/ud-alpino` in ../shared/data and tests/data).
    #[arg(long, num_args = 0.., default_values = SYNTAX_CLUSTER_TEXT)]
    pub cluster_text: Vec<PathBuf>,
    /// Class counts of the word clusterings, coarse to fine (the first three are read).
    #[arg(long, value_delimiter = ',', default_values_t = [64u16, 256, 1024])]
    pub cluster_sizes: Vec<u16>,
    /// Words seen fewer times than this in the cluster text get no class.
    #[arg(long, default_value_t = 2)]
    pub cluster_min_count: u32,
    /// Passes over the training treebanks for the tagger and lemmatiser.
    #[arg(long, default_value_t = 8)]
    pub tagger_epochs: usize,
    /// Passes over the training treebanks for the dependency parser.
    #[arg(long, default_value_t = 9)]
    pub parser_epochs: usize,
    /// Averaged weights smaller than this are dropped: a smaller, faster model (1.0 halves
    /// the file and doubles the speed of 0.001 for about half a LAS point on held-out text).
    #[arg(long, default_value_t = 1.0)]
    pub min_weight: f32,
    /// Parts for jackknifed training tags (the parser learns from predicted tags); 0 or
    /// 1: gold tags.
    #[arg(long, default_value_t = 5)]
    pub jackknife: usize,
    /// Seed of the order sentences are shuffled into each epoch, for the tagger, the jackknife
    /// taggers and the parser (same seed and data: the same model).
    #[arg(long, default_value_t = 2018)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct TrainLinkArgs {
    /// Tab-separated `QID<TAB>name<TAB>name…` Dutch labels and aliases.
    #[arg(long, default_value = "../shared/data/wikidata_nl/labels-aliases-nl.tsv")]
    pub table: PathBuf,
    /// CoNLL NER data whose person names teach which words are first names (so that
    /// items named "Ahmed Aboutaleb" are known to be people).
    #[arg(long, default_value = "../shared/data/conll2002/ned.train")]
    pub train: Vec<PathBuf>,
    /// Where to write the index.
    #[arg(long, default_value = "data/models/wikidata-nl.kgw")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct TrainNerArgs {
    /// Training data in CoNLL format.
    #[arg(long, required = true)]
    pub train: Vec<PathBuf>,
    /// Development data; the epoch with the best F1 on it is kept.
    #[arg(long)]
    pub dev: Option<PathBuf>,
    /// Tab-separated `QID<TAB>label<TAB>alias…` names for the gazetteer (e.g. Wikidata).
    #[arg(long)]
    pub names: Option<PathBuf>,
    /// A word list, one word a line, `/flags` after a word ignored (e.g. hunspell's
    /// /usr/share/hunspell/nl.dic from Debian's hunspell-nl): tells common words from names.
    #[arg(long)]
    pub words: Option<PathBuf>,
    /// Where to write the model.
    #[arg(long, default_value = "data/models/ner-nl.kgm")]
    pub out: PathBuf,
    /// Passes over the training data (with --dev, the best one is kept).
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
    /// Seed of the shuffling between epochs (same seed, same data: the same model).
    #[arg(long, default_value_t = 2002)]
    pub seed: u64,
    /// Ignore features seen fewer times than this in the training data.
    #[arg(long, default_value_t = 3)]
    pub min_feature_count: u32,
    /// Train one stage only (no second, stacked stage).
    #[arg(long)]
    pub single_stage: bool,
    /// Unlabelled text for the word clusters, besides the training data's words:
    /// CoNLL-U treebanks (`.conllu`, the word forms), `QID<TAB>label<TAB>alias…` name
    /// tables (`.tsv`, each name a sentence), or anything else as one token a line in
    /// its first column with blank lines between sentences (CoNLL NER files). Never give
    /// the development file: its text would leak into the features it is scored with.
    #[arg(long, num_args = 1..)]
    pub cluster_text: Vec<PathBuf>,
    /// Class counts of the word clusterings (one clustering per count; none: no clusters).
    #[arg(long, value_delimiter = ',', default_values_t = [64u16, 256, 1024])]
    pub cluster_sizes: Vec<u16>,
    /// Words seen fewer times than this in the cluster text get no class.
    #[arg(long, default_value_t = 2)]
    pub cluster_min_count: u32,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// conlleval precision/recall/F1 per type and overall, plus tagging speed.
    Ner(EvalNerArgs),
    /// Precision, recall and abstention of Wikidata linking on hand-checked mentions.
    Link(EvalLinkArgs),
    /// Precision and recall per relation type on hand-annotated articles.
    Relations(EvalRelationsArgs),
    /// UPOS, features, lemma, UAS and LAS on a CoNLL-U treebank, on gold and on raw tokens.
    Syntax(EvalSyntaxArgs),
    /// B³, MUC and CEAF-e of cross-document entity resolution on hand-annotated chains,
    /// beside the same-string baseline.
    Resolve(EvalResolveArgs),
}

#[derive(Debug, Args)]
pub struct EvalResolveArgs {
    /// Gold chains: `FILE#ARTICLE<TAB>SENTENCE<TAB>TOKEN<TAB>TYPE<TAB>surface<TAB>chain`
    /// per mention (tests/resolve/README.md).
    #[arg(long, default_value = "tests/resolve/chains.tsv")]
    pub gold: PathBuf,
    /// Folder the CoNLL file is relative to.
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Print every gold chain split over several entities and every entity holding
    /// several chains.
    #[arg(long)]
    pub errors: bool,
}

#[derive(Debug, Args)]
pub struct EvalSyntaxArgs {
    /// The gold treebank (CoNLL-U); the default, UD Dutch Alpino's test file (CC BY-SA
    /// 4.0), ships with the tests.
    #[arg(long, default_value = "tests/data/ud_dutch/UD_Dutch-Alpino__nl_alpino-ud-test.conllu")]
    pub gold: PathBuf,
    /// Also write the analysis of the gold words as CoNLL-U to this file (to compare or
    /// to score with another tool).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EvalRelationsArgs {
    /// Gold relations: `source<TAB>ARTICLE` declares an annotated article, then
    /// `source<TAB>TYPE<TAB>from<TAB>to[<TAB>predicate]` per relation (docs/relations.md).
    #[arg(long, default_value = "tests/relations/dev.tsv")]
    pub gold: PathBuf,
    /// Folder the sources are relative to.
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Print every wrong and every missed relation.
    #[arg(long)]
    pub errors: bool,
    /// Print each article's sentences and every predicted relation (for annotating).
    #[arg(long)]
    pub show: bool,
}

#[derive(Debug, Args)]
pub struct EvalLinkArgs {
    /// Gold mentions: `source<TAB>mention<TAB>occurrence<TAB>QID or NIL[<TAB>note]`; the
    /// source is a file under --data, or `conll2002/ned.testa#N` for its N-th article.
    #[arg(long, default_value = "tests/link/dev.tsv")]
    pub gold: PathBuf,
    /// Folder the sources are relative to.
    #[arg(long, default_value = "../shared/data")]
    pub data: PathBuf,
    /// Print every mention that was not linked as the gold says.
    #[arg(long)]
    pub errors: bool,
}

#[derive(Debug, Args)]
pub struct EvalNerArgs {
    /// Gold data in CoNLL format, e.g. ../shared/data/conll2002/ned.testa.
    #[arg(long)]
    pub gold: PathBuf,
    /// Score this file (CoNLL, same tokens as --gold, e.g. another tagger's output) instead
    /// of running kennisgraaf's model.
    #[arg(long)]
    pub predicted: Option<PathBuf>,
    /// Also write every sentence with an error (word, gold, predicted) to this file.
    #[arg(long)]
    pub errors: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// graphml, gexf, dot, cytoscape, json, or neo4j-csv (a nodes.csv and a
    /// relationships.csv for `neo4j-admin database import`).
    #[arg(long)]
    pub format: String,
    /// File to write (a folder for neo4j-csv); standard output when absent.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Only these entity types, comma-separated (PERSON,LOCATION,...).
    #[arg(long)]
    pub types: Option<String>,
    /// Only these relation types, comma-separated (HOLDS_ROLE,CO_OCCURS,...).
    #[arg(long)]
    pub relations: Option<String>,
    /// Only relations with at least this much evidence.
    #[arg(long)]
    pub min_weight: Option<u64>,
    /// Only what was seen on or after this date (YYYY[-MM[-DD]]).
    #[arg(long)]
    pub from: Option<String>,
    /// Only what was seen on or before this date.
    #[arg(long)]
    pub to: Option<String>,
    /// Only the neighbourhood of this entity: an id, or a name looked up as `search` does
    /// (a name several entities match is refused with their ids).
    #[arg(long)]
    pub around: Option<String>,
    /// How many hops from --around to go (default 1, at most 6).
    #[arg(long)]
    pub depth: Option<usize>,
    /// Give every relation where it is stated: GraphML and GEXF edges their evidence count
    /// and first evidence sentence, JSON and Cytoscape edges the list (document, sentence,
    /// span, text, confidence), neo4j-csv three more files (documents.csv, mentioned_in.csv,
    /// stated_in.csv). Not for DOT.
    #[arg(long)]
    pub with_evidence: bool,
}
