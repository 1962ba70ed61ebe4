//! `embed_migrations!("migrations")`: a migrations folder compiled into the program.
//!
//! The folder is read while the macro expands: every `NNNN_name/` directory becomes a
//! `::covet_migrate::EmbeddedMigration` whose `up` and `down` are `include_str!`s of the
//! directory's `up.sql` and `down.sql`, by absolute path. Cargo tracks the files an
//! `include_str!` reads, so editing a script rebuilds the crate. It cannot track the folder's
//! listing, though: a proc macro has no stable way to say "rerun me when this directory
//! changes" (`proc_macro::tracked_path` is unstable). So the expansion also `include_str!`s
//! `covet.sum`, which gains or loses a line whenever a migration is added or removed: cargo
//! then rebuilds the crate, the macro runs again and lists the folder anew.
//!
//! The folder's rules are covet-migrate's (`files/dir.rs`, `files/migration.rs`): hidden
//! entries (a leading `.`) and files other than `covet.sum` are ignored, any other directory
//! must be a migration named `NNNN_name`. This crate cannot depend on covet-migrate, so
//! [`parse_dir_name`] repeats its name check; keep the two in step.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::LitStr;
use syn::parse::Parser;

/// The folder used by `embed_migrations!()`, relative to the crate's directory.
const DEFAULT_FOLDER: &str = "migrations";
/// The integrity file, whose changes make cargo rebuild the crate.
const SUM_FILE: &str = "covet.sum";
/// A migration's scripts, both required.
const SCRIPTS: [&str; 2] = ["up.sql", "down.sql"];

/// Expands `embed_migrations!(...)` for the crate being compiled.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let crate_name = std::env::var("CARGO_PKG_NAME").ok();
    expand_in(manifest_dir.as_deref(), crate_name.as_deref(), input)
        .unwrap_or_else(|e| e.to_compile_error())
}

/// The expansion, with relative paths resolved against `manifest_dir`, the directory of the
/// crate `crate_name`.
fn expand_in(
    manifest_dir: Option<&Path>,
    crate_name: Option<&str>,
    input: TokenStream,
) -> syn::Result<TokenStream> {
    let literal = Parser::parse2(parse_argument, input)?;
    let (written, span) = match &literal {
        Some(literal) => (literal.value(), literal.span()),
        None => (DEFAULT_FOLDER.to_owned(), Span::call_site()),
    };
    let folder = match manifest_dir {
        Some(dir) => dir.join(&written),
        None if Path::new(&written).is_absolute() => PathBuf::from(&written),
        None => {
            return Err(syn::Error::new(
                span,
                "CARGO_MANIFEST_DIR is not set, so the migrations folder cannot be found: \
                 build with cargo, or give an absolute path",
            ));
        }
    };
    let listing =
        scan(&folder, &written, crate_name).map_err(|message| syn::Error::new(span, message))?;
    Ok(render(&listing))
}

/// Nothing, or one string literal with an optional trailing comma.
fn parse_argument(input: syn::parse::ParseStream<'_>) -> syn::Result<Option<LitStr>> {
    if input.is_empty() {
        return Ok(None);
    }
    let literal: LitStr = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected the migrations folder as a string literal, relative to the crate's \
             directory: `embed_migrations!(\"migrations\")`",
        )
    })?;
    if input.peek(syn::Token![,]) {
        input.parse::<syn::Token![,]>()?;
    }
    if !input.is_empty() {
        return Err(input.error(
            "embed_migrations! takes one argument: the migrations folder, as a string literal",
        ));
    }
    Ok(Some(literal))
}

/// A migrations folder as read: what the expansion includes.
#[derive(Debug, PartialEq, Eq)]
struct Listing {
    /// `covet.sum`'s absolute path.
    sum: String,
    /// The migrations in version order.
    migrations: Vec<Found>,
}

/// One migration directory.
#[derive(Debug, PartialEq, Eq)]
struct Found {
    /// `NNNN_name`.
    dir_name: String,
    /// `up.sql`'s absolute path.
    up: String,
    /// `down.sql`'s absolute path.
    down: String,
}

/// Reads `folder` (written `written` by the user, in crate `crate_name`), or says what is
/// wrong and what to do. (Messages show the path as written, not the absolute one, so that
/// they are the same on every machine.)
fn scan(folder: &Path, written: &str, crate_name: Option<&str>) -> Result<Listing, String> {
    if !folder.is_dir() {
        let what = if folder.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        let base = match crate_name {
            Some(name) => format!("the directory of the crate being compiled, `{name}`"),
            None => "the directory of the crate being compiled".to_owned(),
        };
        return Err(format!(
            "the migrations folder `{written}` {what}: create the first migration with \
             `cargo covet makemigrations`, or fix the path (it is relative to {base})"
        ));
    }
    let io_error =
        |path: &Path, err: std::io::Error| format!("cannot read `{}`: {err}", path.display());

    // By version: directory names of a version have one spelling, so this is also their
    // order as names up to version 9999, and the right order after it.
    let mut by_version: BTreeMap<u32, String> = BTreeMap::new();
    let mut names = Vec::new();
    for entry in fs::read_dir(folder).map_err(|e| io_error(folder, e))? {
        let entry = entry.map_err(|e| io_error(folder, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // Not following symlinks, as covet-migrate does not.
        let is_dir = entry
            .file_type()
            .map_err(|e| io_error(&entry.path(), e))?
            .is_dir();
        if !name.starts_with('.') && is_dir {
            names.push(name);
        }
    }
    // The same error whatever order the system lists the entries in.
    names.sort();
    for name in names {
        let Some(version) = parse_dir_name(&name) else {
            return Err(format!(
                "`{name}` in the migrations folder `{written}` is not a migration: a migration \
                 directory is named `NNNN_name` (a version of at least four digits without \
                 extra leading zeros, `_`, then lowercase letters, digits and `_`); rename it, \
                 or move it out of the folder"
            ));
        };
        if let Some(first) = by_version.insert(version, name.clone()) {
            return Err(format!(
                "migrations `{first}` and `{name}` in `{written}` have the same version \
                 {version} (two branches each added one): renumber the later one and record \
                 the change in `{SUM_FILE}` with `cargo covet rehash` (MigrationDir::rehash)"
            ));
        }
    }

    let mut migrations = Vec::with_capacity(by_version.len());
    for dir_name in by_version.into_values() {
        let dir = folder.join(&dir_name);
        let [up, down] = SCRIPTS.map(|file| dir.join(file));
        for (path, file) in [(&up, SCRIPTS[0]), (&down, SCRIPTS[1])] {
            if !path.is_file() {
                return Err(format!(
                    "migration `{dir_name}` in `{written}` has no `{file}`: every migration \
                     needs `up.sql` and `down.sql`; restore the file, or remove the migration \
                     and run `cargo covet makemigrations` again"
                ));
            }
        }
        migrations.push(Found {
            up: utf8(&up)?,
            down: utf8(&down)?,
            dir_name,
        });
    }

    let sum = folder.join(SUM_FILE);
    if !sum.is_file() {
        return Err(if migrations.is_empty() {
            format!(
                "the migrations folder `{written}` holds no migration and no `{SUM_FILE}`: \
                 create the first migration with `cargo covet makemigrations` (the embedded \
                 list is rebuilt when `{SUM_FILE}` changes, so it must exist)"
            )
        } else {
            format!(
                "the migrations folder `{written}` has no `{SUM_FILE}`: record its migrations \
                 with `cargo covet rehash` (MigrationDir::rehash), or restore the file"
            )
        });
    }
    Ok(Listing {
        sum: utf8(&sum)?,
        migrations,
    })
}

/// `path` as the string an `include_str!` needs.
fn utf8(path: &Path) -> Result<String, String> {
    path.to_str().map(str::to_owned).ok_or_else(|| {
        format!(
            "`{}` is not valid UTF-8, so it cannot be given to `include_str!`: move the \
             migrations folder to a path that is",
            path.display()
        )
    })
}

/// The expression: the migrations as a `&'static [EmbeddedMigration]`.
fn render(listing: &Listing) -> TokenStream {
    let sum = &listing.sum;
    let migrations = listing.migrations.iter().map(|found| {
        let Found { dir_name, up, down } = found;
        quote! {
            ::covet_migrate::EmbeddedMigration {
                dir_name: #dir_name,
                up: ::core::include_str!(#up),
                down: ::core::include_str!(#down),
            }
        }
    });
    quote! {
        {
            // Cargo rebuilds the crate when an included file changes, but cannot watch the
            // folder's listing; every migration added or removed changes covet.sum, so
            // including it reruns this macro then.
            const _: &::core::primitive::str = ::core::include_str!(#sum);
            const MIGRATIONS: &[::covet_migrate::EmbeddedMigration] = &[#(#migrations),*];
            MIGRATIONS
        }
    }
}

/// The version of a directory named `NNNN_name` (at least four digits, a version of at least
/// 1, a name of `[a-z0-9_]`, one spelling per version), or `None`.
///
/// A copy of `parse_dir_name` in covet-migrate's `files/migration.rs`: the two must agree, or
/// the macro would embed a folder that `MigrationDir` refuses (or the reverse).
fn parse_dir_name(dir_name: &str) -> Option<u32> {
    let (digits, name) = dir_name.split_once('_')?;
    let is_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) || !is_name {
        return None;
    }
    let version: u32 = digits.parse().ok().filter(|&v| v > 0)?;
    // One spelling per version: `00012_x` is not `0012_x`.
    (format!("{version:04}") == digits).then_some(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh, empty folder under the system's temporary directory.
    struct Folder(PathBuf);

    impl Folder {
        fn new(test: &str) -> Self {
            let path = std::env::temp_dir()
                .join(format!("covet-macros-embed-{test}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).expect("create the test folder");
            Self(path)
        }

        fn file(&self, relative: &str, text: &str) -> &Self {
            let path = self.0.join(relative);
            fs::create_dir_all(path.parent().expect("a parent")).expect("create the directory");
            fs::write(path, text).expect("write the file");
            self
        }

        fn migration(&self, dir_name: &str) -> &Self {
            self.file(&format!("{dir_name}/up.sql"), "SELECT 1;\n")
                .file(&format!("{dir_name}/down.sql"), "SELECT 2;\n")
        }

        fn scan(&self) -> Result<Listing, String> {
            scan(&self.0, "migrations", Some("app"))
        }

        fn path(&self, relative: &str) -> String {
            self.0.join(relative).to_str().expect("UTF-8").to_owned()
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn directory_names_follow_covet_migrate() {
        // The same cases as covet-migrate's `directory_names_are_a_version_and_a_clean_name`.
        assert_eq!(parse_dir_name("0001_create_user"), Some(1));
        assert_eq!(parse_dir_name("12345_big"), Some(12345));
        for bad in [
            "001_short",
            "0001_",
            "0001_Upper",
            "0001-dash",
            "0000_zero",
            "00012_padded",
            "abcd_x",
            "0001_a b",
            "99999999999_overflow",
        ] {
            assert_eq!(parse_dir_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn migrations_are_listed_in_version_order_skipping_the_rest() {
        let folder = Folder::new("listed");
        folder
            .migration("10000_big")
            .migration("0002_second")
            .migration("0001_first")
            .file("covet.sum", "")
            .file("README.md", "not a migration")
            .file(".0003_interrupted.tmp/up.sql", "hidden");
        let listing = folder.scan().expect("a valid folder");
        let names: Vec<&str> = listing
            .migrations
            .iter()
            .map(|m| m.dir_name.as_str())
            .collect();
        assert_eq!(names, ["0001_first", "0002_second", "10000_big"]);
        assert_eq!(listing.sum, folder.path("covet.sum"));
        assert_eq!(listing.migrations[1].up, folder.path("0002_second/up.sql"));
        assert_eq!(
            listing.migrations[1].down,
            folder.path("0002_second/down.sql")
        );
    }

    #[test]
    fn the_expansion_includes_every_script_and_the_sum() {
        let folder = Folder::new("expansion");
        folder.migration("0001_first").file("covet.sum", "");
        let parent = folder.0.parent().expect("a parent");
        let name = folder
            .0
            .file_name()
            .expect("a name")
            .to_str()
            .expect("UTF-8");
        let expanded = expand_in(Some(parent), None, quote!(#name)).expect("expands");
        let text = expanded.to_string();
        for file in ["covet.sum", "0001_first/up.sql", "0001_first/down.sql"] {
            let included = format!("include_str ! ({:?})", folder.path(file));
            assert!(text.contains(&included), "{included} in {text}");
        }
        assert!(text.contains("dir_name : \"0001_first\""), "{text}");
        syn::parse2::<syn::Expr>(expanded).expect("an expression");
    }

    #[test]
    fn the_argument_is_one_string_literal_or_nothing() {
        let missing = Path::new("/no/such/crate");
        let expand = |input| expand_in(Some(missing), None, input);
        let default = expand(TokenStream::new()).expect_err("no folder");
        assert!(default.to_string().contains("`migrations` does not exist"));
        let comma = expand(quote!("db",)).expect_err("no folder");
        assert!(comma.to_string().contains("`db` does not exist"));
        let ident = expand(quote!(migrations)).expect_err("not a literal");
        assert!(ident.to_string().contains("as a string literal"));
        let two = expand(quote!("a", "b")).expect_err("two arguments");
        assert!(two.to_string().contains("takes one argument"));
        let unset = expand_in(None, None, quote!("migrations")).expect_err("no manifest dir");
        assert!(unset.to_string().contains("CARGO_MANIFEST_DIR is not set"));
    }

    #[test]
    fn a_missing_folder_asks_for_makemigrations() {
        let missing = Path::new("/no/such/migrations");
        let error = scan(missing, "migrations", Some("app")).expect_err("missing");
        assert_eq!(
            error,
            "the migrations folder `migrations` does not exist: create the first migration \
             with `cargo covet makemigrations`, or fix the path (it is relative to the \
             directory of the crate being compiled, `app`)"
        );

        let folder = Folder::new("file");
        folder.file("migrations", "a file");
        let error = scan(&folder.0.join("migrations"), "migrations", None).expect_err("a file");
        assert!(error.contains("is not a folder"), "{error}");
    }

    #[test]
    fn a_directory_that_is_not_a_migration_is_named() {
        let folder = Folder::new("bad-name");
        folder
            .migration("0001_first")
            .migration("2_second")
            .migration("3_third")
            .file("covet.sum", "");
        let error = folder.scan().expect_err("bad name");
        assert!(
            error.starts_with("`2_second` in the migrations folder"),
            "{error}"
        );
        assert!(error.contains("NNNN_name"), "{error}");
    }

    #[test]
    fn two_migrations_of_one_version_are_refused() {
        let folder = Folder::new("duplicate");
        folder
            .migration("0001_b")
            .migration("0001_a")
            .file("covet.sum", "");
        let error = folder.scan().expect_err("duplicate");
        assert!(
            error.starts_with(
                "migrations `0001_a` and `0001_b` in `migrations` have the same version 1"
            ),
            "{error}"
        );
    }

    #[test]
    fn both_scripts_are_required() {
        let folder = Folder::new("scripts");
        folder
            .file("0001_first/up.sql", "SELECT 1;\n")
            .file("covet.sum", "");
        let error = folder.scan().expect_err("no down.sql");
        assert!(
            error.starts_with("migration `0001_first` in `migrations` has no `down.sql`"),
            "{error}"
        );

        let folder = Folder::new("scripts-up");
        folder
            .file("0001_first/down.sql", "SELECT 1;\n")
            .file("covet.sum", "");
        let error = folder.scan().expect_err("no up.sql");
        assert!(error.contains("has no `up.sql`"), "{error}");
    }

    #[test]
    fn covet_sum_is_required() {
        let folder = Folder::new("sum");
        folder.migration("0001_first");
        let error = folder.scan().expect_err("no covet.sum");
        assert!(error.contains("has no `covet.sum`"), "{error}");
        assert!(error.contains("cargo covet rehash"), "{error}");

        let empty = Folder::new("sum-empty");
        let error = empty.scan().expect_err("no covet.sum");
        assert!(
            error.contains("holds no migration and no `covet.sum`"),
            "{error}"
        );
        assert!(error.contains("cargo covet makemigrations"), "{error}");
    }
}
