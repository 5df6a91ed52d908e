//! The command line, as clap definitions only: no I/O here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "data",
    version,
    about = "Validate, describe, publish and fetch Frictionless Data Packages",
    propagate_version = true
)]
pub struct Cli {
    /// Never use colours (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Never draw progress bars.
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// The registry's URL (default: DATA_REGISTRY, then `data config`, then http://127.0.0.1:8080).
    #[arg(long, global = true, value_name = "URL")]
    pub registry: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check tables and data packages for errors, goodtables-style.
    ///
    /// PATH is a data file (CSV, TSV, XLSX, XLS, ODS, JSON, NDJSON, optionally
    /// gzipped), a datapackage.json/.yaml, or a directory (its descriptor, or
    /// else every data file in it). Exit status: 0 valid, 1 invalid, 2 could
    /// not run.
    Validate(ValidateArgs),
    /// Print a data file's resource descriptor with an inferred Table Schema.
    Infer(InferArgs),
    /// Log in to the registry and keep the token in ~/.dpm/credentials (mode 0600) or the OS keyring.
    ///
    /// Asks for the user name and password on a terminal; `--token T` (or
    /// DATA_TOKEN) stores an API token without asking. `--store keyring`
    /// (or `data config set credential-store keyring`) keeps the token in
    /// the OS keyring instead of the file.
    Login(LoginArgs),
    /// Forget the stored token (and revoke it on the registry).
    Logout(JsonArgs),
    /// Show who the stored token logs in as.
    Whoami(JsonArgs),
    /// Read and change settings in ~/.dpm/config (registry, publisher, credential-store).
    Config(ConfigArgs),
    /// Publish a ready data package (DIR/datapackage.json) as a new revision.
    ///
    /// Validates it first, uploads only the files the registry lacks, then
    /// publishes under your own publisher (or --publisher). A package that
    /// exists needs --force to get a new revision.
    Publish(PublishArgs),
    /// Tag the latest revision of the package in the current directory.
    Tag(TagArgs),
    /// List the tags of the package in the current directory (or OWNER/NAME).
    Tags(TagsArgs),
    /// Push bare data files (a file or a folder of them) as a package.
    ///
    /// Detects format, encoding, sheet and header, infers the types over the
    /// whole file, validates, uploads only what the registry lacks and
    /// publishes a new revision. A folder keeps its decisions in DIR/.data/.
    Push(PushArgs),
    /// Fetch OWNER/NAME[@TAG|@REV] into the local cache, then write it to a directory.
    ///
    /// Files are stored once in ~/.dpm/cache by SHA-256 and checked on
    /// arrival; a second get of an unchanged package costs one 304.
    Get(GetArgs),
    /// Describe a local package or data file, or a package on the registry.
    ///
    /// PATH is a data file, a datapackage.json/.yaml or a folder with one;
    /// OWNER/NAME[@TAG|@REV] asks the registry (a path that exists wins).
    Info(InfoArgs),
    /// Print a table as CSV, JSON or NDJSON.
    ///
    /// PATH is a data file, or a package (folder or descriptor) with
    /// --resource; OWNER/NAME[@TAG|@REV]/RESOURCE fetches the resource
    /// through the cache first.
    Cat(CatArgs),
    /// Search the registry's packages (the ones you may see).
    Search(SearchArgs),
    /// Unpublish OWNER/NAME: hidden from everyone, recoverable with `data undelete`.
    Delete(ManageArgs),
    /// Restore a package hidden with `data delete`.
    Undelete(ManageArgs),
    /// Destroy OWNER/NAME and every revision for good (asks first; --yes off a terminal).
    Purge(PurgeArgs),
    /// Compare two revisions: fields added, removed or changed; rows added or removed.
    Diff(DiffArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `data man > data.1`.
    Man,
}

/// Which package, when it is not the one in the current directory.
#[derive(Debug, Clone, Args)]
pub struct PackageArgs {
    /// The publisher (default: `data config get publisher`, else your user name).
    #[arg(long, value_name = "NAME")]
    pub publisher: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VisibilityArg {
    Public,
    Private,
    Unlisted,
}

/// The visibility flags of `publish` and `push`.
#[derive(Debug, Clone, Args)]
pub struct VisibilityArgs {
    /// Visibility of a new package (default: public); changes an existing one's.
    #[arg(long, value_enum, value_name = "VISIBILITY")]
    pub visibility: Option<VisibilityArg>,
    /// Same as --visibility public.
    #[arg(long, conflicts_with_all = ["visibility", "private", "unlisted"])]
    pub public: bool,
    /// Same as --visibility private.
    #[arg(long, conflicts_with_all = ["visibility", "unlisted"])]
    pub private: bool,
    /// Same as --visibility unlisted.
    #[arg(long, conflicts_with = "visibility")]
    pub unlisted: bool,
}

impl VisibilityArgs {
    /// The visibility asked for, if any.
    pub fn chosen(&self) -> Option<registry_api::package::Visibility> {
        use registry_api::package::Visibility;
        let flag = if self.public {
            Some(VisibilityArg::Public)
        } else if self.private {
            Some(VisibilityArg::Private)
        } else if self.unlisted {
            Some(VisibilityArg::Unlisted)
        } else {
            self.visibility
        };
        flag.map(|v| match v {
            VisibilityArg::Public => Visibility::Public,
            VisibilityArg::Private => Visibility::Private,
            VisibilityArg::Unlisted => Visibility::Unlisted,
        })
    }
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The package's folder (default: the current directory).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Publish a new revision of a package that exists already.
    #[arg(long)]
    pub force: bool,
    /// Publish without validating the data first.
    #[arg(long)]
    pub skip_validate: bool,
    /// Publish even when validation finds errors.
    #[arg(long)]
    pub allow_invalid: bool,
    /// Never ask; take the defaults and the flags.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// The package's name (default: the descriptor's `name`, else the folder's name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub visibility: VisibilityArgs,
    #[command(flatten)]
    pub package: PackageArgs,
    #[command(flatten)]
    pub json: JsonArgs,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// The tag (letters, digits, `.`, `_`, `-`; not a number, not `latest`).
    pub name: String,
    /// Move the tag if it exists.
    #[arg(long)]
    pub force: bool,
    /// Tag this revision instead of the latest.
    #[arg(long, value_name = "N")]
    pub revision: Option<i64>,
    /// OWNER/NAME instead of the package in the current directory.
    #[arg(long, value_name = "OWNER/NAME")]
    pub package: Option<String>,
    #[command(flatten)]
    pub publisher: PackageArgs,
    #[command(flatten)]
    pub json: JsonArgs,
}

#[derive(Debug, Args)]
pub struct TagsArgs {
    /// OWNER/NAME (default: the package in the current directory).
    #[arg(value_name = "OWNER/NAME")]
    pub package: Option<String>,
    #[command(flatten)]
    pub publisher: PackageArgs,
    #[command(flatten)]
    pub json: JsonArgs,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// OWNER/NAME, OWNER/NAME@TAG or OWNER/NAME@REVISION.
    #[arg(value_name = "OWNER/NAME[@TAG|@REV]")]
    pub spec: String,
    /// Where to write the package (default: ./NAME).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub json: JsonArgs,
}

#[derive(Debug, Clone, Args)]
pub struct JsonArgs {
    /// Print the result as JSON, for scripts.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// An API token to store (checked with the registry first).
    #[arg(long, value_name = "TOKEN", conflicts_with_all = ["username", "password_stdin"])]
    pub token: Option<String>,
    /// The user name (asked on a terminal when missing).
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,
    /// Read the password from standard input (one line) instead of asking.
    #[arg(long)]
    pub password_stdin: bool,
    /// Where to keep the token: the credentials file (mode 0600) or the OS
    /// keyring (default: `data config get credential-store`, else file).
    #[arg(long, value_enum, value_name = "STORE")]
    pub store: Option<CredentialStoreArg>,
    #[command(flatten)]
    pub json: JsonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CredentialStoreArg {
    /// ~/.dpm/credentials, mode 0600.
    File,
    /// The OS keyring (Linux kernel keyring, macOS Keychain, Windows Credential Manager).
    Keyring,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
    /// Print the result as JSON, for scripts.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print one setting.
    Get { key: String },
    /// Change one setting.
    Set { key: String, value: String },
    /// Remove one setting.
    Unset { key: String },
    /// Print every setting, and the registry and publisher in use.
    List,
}

/// How to read a data file: every guess the engine makes can be overridden.
#[derive(Debug, Clone, Args)]
pub struct ReadArgs {
    /// Sheet of a workbook, by name or 1-based number (default: the first).
    #[arg(long, value_name = "SHEET")]
    pub sheet: Option<String>,
    /// Text encoding (utf-8, windows-1252, latin1, utf-16, ...); detected by default.
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
    /// Cell delimiter of delimited text (`,` `;` `tab` `|` ...); sniffed by default.
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Quote character of delimited text; sniffed by default.
    #[arg(long, value_name = "CHAR")]
    pub quote: Option<String>,
    /// File format (csv, tsv, xlsx, xls, ods, json, jsonl); detected by default.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// The first row is data, not a header.
    #[arg(long)]
    pub no_header: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files, descriptors or directories (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print the report as JSON, in frictionless-py's shape.
    #[arg(long)]
    pub json: bool,
    /// Validate data files against this Table Schema (JSON or YAML).
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// Stop a table after this many errors (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub limit_errors: usize,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DescriptorFormat {
    Json,
    Yaml,
}

#[derive(Debug, Args)]
pub struct InferArgs {
    /// The data file to describe.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Print JSON (the default).
    #[arg(long, conflicts_with = "yaml")]
    pub json: bool,
    /// Print YAML.
    #[arg(long)]
    pub yaml: bool,
    /// Infer from the first N data rows only (default: the whole file, so
    /// the schema always validates the file it came from).
    #[arg(long, value_name = "N")]
    pub sample_rows: Option<usize>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// A data file (CSV, TSV, XLSX, XLS, ODS, JSON, NDJSON) or a folder of them.
    #[arg(value_name = "FILE|DIR")]
    pub path: PathBuf,
    /// Never ask; take the detected answers and the flags.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// The package's name (default: the file's stem, or the folder's name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Infer the types again instead of reusing DIR/.data/ decisions.
    #[arg(long)]
    pub reinfer: bool,
    /// Push even when validation finds errors.
    #[arg(long)]
    pub allow_invalid: bool,
    #[command(flatten)]
    pub visibility: VisibilityArgs,
    #[command(flatten)]
    pub publisher: PackageArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    #[command(flatten)]
    pub json: JsonArgs,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// A data file, a descriptor, a folder, or OWNER/NAME[@TAG|@REV].
    #[arg(value_name = "PATH|OWNER/NAME[@TAG|@REV]")]
    pub target: String,
    /// Count each resource's rows (reads every file; remote ones are fetched into the cache).
    #[arg(long)]
    pub rows: bool,
    #[command(flatten)]
    pub json: JsonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatFormat {
    Csv,
    Json,
    Ndjson,
}

#[derive(Debug, Args)]
pub struct CatArgs {
    /// A data file, a descriptor or folder (with --resource), or OWNER/NAME[@TAG|@REV]/RESOURCE.
    #[arg(value_name = "PATH|OWNER/NAME/RESOURCE")]
    pub target: String,
    /// The resource of a package (default: its only one).
    #[arg(long, value_name = "NAME")]
    pub resource: Option<String>,
    /// Output: csv (RFC 4180), json (an array of objects) or ndjson (an object per line).
    #[arg(long, value_enum, default_value = "csv", value_name = "FORMAT")]
    pub format: CatFormat,
    /// Sheet of a workbook, by name or 1-based number (data files only).
    #[arg(long, value_name = "SHEET")]
    pub sheet: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchSortArg {
    Name,
    Recent,
    Downloads,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words matched against names, titles and descriptions (none: every package).
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,
    /// Only this publisher's packages.
    #[arg(long, value_name = "NAME")]
    pub publisher: Option<String>,
    /// Order of the results.
    #[arg(long, value_enum, default_value = "name", value_name = "ORDER")]
    pub sort: SearchSortArg,
    /// Page of results, from 1.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub page: u32,
    /// Results per page (1 to 100).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub per_page: u32,
    #[command(flatten)]
    pub json: JsonArgs,
}

#[derive(Debug, Args)]
pub struct ManageArgs {
    /// The package.
    #[arg(value_name = "OWNER/NAME")]
    pub package: String,
    #[command(flatten)]
    pub json: JsonArgs,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// The package.
    #[arg(value_name = "OWNER/NAME")]
    pub package: String,
    /// Do not ask (needed when not on a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub json: JsonArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older revision.
    #[arg(value_name = "OWNER/NAME@A")]
    pub from: String,
    /// The newer revision.
    #[arg(value_name = "OWNER/NAME@B")]
    pub to: String,
    /// Compare the descriptors only; do not fetch the files to count rows.
    #[arg(long)]
    pub no_rows: bool,
    #[command(flatten)]
    pub json: JsonArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
