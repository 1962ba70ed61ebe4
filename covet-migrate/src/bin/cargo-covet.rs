//! `cargo covet <command>`: the migration command line of a cargo project.
//!
//! The models are compiled into the project's own program, so the commands that need them
//! (`makemigrations`, `check`) run through the project's `covet` binary (`src/bin/covet.rs`,
//! which calls [`covet_migrate::cli::Cli::with_models`]). This command finds that binary with
//! `cargo metadata` and runs it with `cargo run`; without one, the commands that need only the
//! migration files and a database run here, through [`covet_migrate::cli::Cli::new`], and
//! `makemigrations` and `check` print how to add the binary.
//!
//! Which binary: a `bin` target named `covet` of the workspace package whose directory holds
//! the current directory (the innermost one), else the only `covet` binary of the workspace.
//!
//! Installed with `cargo install covet-migrate`, the built-in commands reach SQLite only (the
//! default feature); add `--features postgres,mysql` for the others. The project's own binary
//! is built with the project's features.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use covet_migrate::cli::Cli;
use serde_json::Value;

/// The name of the binary target that runs the CLI with the project's models.
const BINARY: &str = "covet";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    // Cargo runs `cargo-covet covet <args>`.
    if args.first().map(String::as_str) == Some("covet") {
        args.remove(0);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let found = metadata(&cargo, &cwd).map_or(Found::Nothing { library: None }, |metadata| {
        find(&metadata, &cwd)
    });
    match found {
        Found::Binary { package } => delegate(&cargo, &package, &args),
        Found::Ambiguous { packages } => {
            eprintln!(
                "error: several packages of this workspace have a `{BINARY}` binary ({}); run \
                 `cargo covet` from one's directory, or `cargo run -p <package> --bin {BINARY} \
                 -- <command>`",
                packages.join(", ")
            );
            ExitCode::from(2)
        }
        Found::Nothing { library } => {
            let mut cli = Cli::new();
            if let Some(library) = library {
                cli = cli.library_crate(library);
            }
            cli.run_with(args, &mut io::stdout().lock(), &mut io::stderr().lock())
        }
    }
}

/// The output of `cargo metadata --no-deps`, run in `cwd`, or `None` outside a cargo project.
fn metadata(cargo: &OsString, cwd: &Path) -> Option<Value> {
    let output = Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    serde_json::from_slice(&output.stdout).ok()
}

/// What [`find`] found.
#[derive(Debug, PartialEq, Eq)]
enum Found {
    /// The package whose `covet` binary to run.
    Binary { package: String },
    /// Several packages have one, and none holds the current directory.
    Ambiguous { packages: Vec<String> },
    /// None has one; `library` is the library crate of the package holding the current
    /// directory, if it has one (for the snippet that says how to add the binary).
    Nothing { library: Option<String> },
}

/// A workspace package, as much of it as [`find`] needs.
struct Package<'a> {
    name: &'a str,
    dir: PathBuf,
    has_binary: bool,
    library: Option<String>,
}

/// Finds the `covet` binary for `cwd` in `cargo metadata`'s output.
fn find(metadata: &Value, cwd: &Path) -> Found {
    let cwd = canonical(cwd);
    let packages: Vec<Package<'_>> = metadata
        .get("packages")
        .and_then(Value::as_array)
        .map(|packages| packages.iter().filter_map(package).collect())
        .unwrap_or_default();
    let with_binary: Vec<&Package<'_>> = packages.iter().filter(|p| p.has_binary).collect();
    if let Some(package) = innermost(with_binary.iter().copied(), &cwd) {
        return Found::Binary {
            package: package.name.to_owned(),
        };
    }
    match with_binary.as_slice() {
        [only] => Found::Binary {
            package: only.name.to_owned(),
        },
        [] => Found::Nothing {
            library: innermost(packages.iter(), &cwd).and_then(|package| package.library.clone()),
        },
        several => Found::Ambiguous {
            packages: several.iter().map(|p| p.name.to_owned()).collect(),
        },
    }
}

/// The innermost of `packages` whose directory holds `cwd`.
fn innermost<'p, 'a>(
    packages: impl Iterator<Item = &'p Package<'a>>,
    cwd: &Path,
) -> Option<&'p Package<'a>>
where
    'a: 'p,
{
    packages
        .filter(|package| cwd.starts_with(&package.dir))
        .max_by_key(|package| package.dir.components().count())
}

/// One package of `cargo metadata`'s output.
fn package(value: &Value) -> Option<Package<'_>> {
    let name = value.get("name")?.as_str()?;
    let manifest = Path::new(value.get("manifest_path")?.as_str()?);
    let targets = value.get("targets")?.as_array()?;
    let kinds = |target: &Value| -> Vec<String> {
        target
            .get("kind")
            .and_then(Value::as_array)
            .map(|kinds| {
                kinds
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let target_name = |target: &Value| {
        target
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let has_binary = targets
        .iter()
        .any(|t| kinds(t).iter().any(|k| k == "bin") && target_name(t).as_deref() == Some(BINARY));
    let library = targets
        .iter()
        .find(|t| {
            kinds(t)
                .iter()
                .any(|k| matches!(k.as_str(), "lib" | "rlib" | "dylib"))
        })
        .and_then(target_name)
        .map(|name| name.replace('-', "_"));
    Some(Package {
        name,
        dir: canonical(manifest.parent()?),
        has_binary,
        library,
    })
}

/// `path` without symbolic links, when it exists.
fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}

/// Runs the package's `covet` binary with `args`, and exits as it does.
fn delegate(cargo: &OsString, package: &str, args: &[String]) -> ExitCode {
    let status = Command::new(cargo)
        .args(["run", "--quiet", "-p", package, "--bin", BINARY, "--"])
        .args(args)
        .status();
    match status {
        Ok(status) => status
            .code()
            .and_then(|code| u8::try_from(code).ok())
            .map_or(ExitCode::FAILURE, ExitCode::from),
        Err(error) => {
            eprintln!("error: cannot run `cargo run -p {package} --bin {BINARY}`: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn package(name: &str, dir: &str, targets: &[(&str, &str)]) -> Value {
        json!({
            "name": name,
            "manifest_path": format!("{dir}/Cargo.toml"),
            "targets": targets
                .iter()
                .map(|(kind, name)| json!({ "name": name, "kind": [kind] }))
                .collect::<Vec<_>>(),
        })
    }

    fn metadata(packages: Vec<Value>) -> Value {
        json!({ "packages": packages })
    }

    fn binary(package: &str) -> Found {
        Found::Binary {
            package: package.to_owned(),
        }
    }

    #[test]
    fn the_package_holding_the_current_directory_wins() {
        let workspace = metadata(vec![
            package("root", "/ws", &[("bin", "covet"), ("lib", "root")]),
            package("app", "/ws/app", &[("lib", "app"), ("bin", "covet")]),
            package("other", "/ws/other", &[("bin", "covet")]),
        ]);
        assert_eq!(find(&workspace, Path::new("/ws/app/src")), binary("app"));
        assert_eq!(find(&workspace, Path::new("/ws/other")), binary("other"));
        assert_eq!(find(&workspace, Path::new("/ws")), binary("root"));
        assert_eq!(find(&workspace, Path::new("/ws/docs")), binary("root"));
    }

    #[test]
    fn else_the_only_covet_binary_of_the_workspace() {
        let workspace = metadata(vec![
            package(
                "server",
                "/ws/server",
                &[("lib", "server"), ("bin", "covet")],
            ),
            package("cli", "/ws/cli", &[("bin", "cli")]),
        ]);
        assert_eq!(find(&workspace, Path::new("/ws/cli")), binary("server"));
        assert_eq!(find(&workspace, Path::new("/ws")), binary("server"));
    }

    #[test]
    fn several_binaries_outside_their_packages_are_ambiguous() {
        let workspace = metadata(vec![
            package("a", "/ws/a", &[("bin", "covet")]),
            package("b", "/ws/b", &[("bin", "covet")]),
        ]);
        assert_eq!(
            find(&workspace, Path::new("/ws")),
            Found::Ambiguous {
                packages: vec!["a".into(), "b".into()]
            }
        );
        assert_eq!(find(&workspace, Path::new("/ws/b/src")), binary("b"));
    }

    #[test]
    fn no_binary_names_the_library_for_the_snippet() {
        let workspace = metadata(vec![package(
            "my-app",
            "/ws",
            &[("lib", "my-app"), ("bin", "my-app"), ("test", "covet")],
        )]);
        assert_eq!(
            find(&workspace, Path::new("/ws/src")),
            Found::Nothing {
                library: Some("my_app".into())
            }
        );
        assert_eq!(
            find(&workspace, Path::new("/elsewhere")),
            Found::Nothing { library: None }
        );
        assert_eq!(
            find(&json!({}), Path::new("/ws")),
            Found::Nothing { library: None }
        );
    }

    #[test]
    fn cargo_metadata_of_this_workspace_is_understood() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let metadata = super::metadata(&cargo, here).expect("cargo metadata runs here");
        let packages = metadata["packages"].as_array().expect("a list of packages");
        let this = packages
            .iter()
            .filter_map(super::package)
            .find(|package| package.name == "covet-migrate")
            .expect("this package");
        assert_eq!(this.dir, canonical(here));
        assert_eq!(this.library.as_deref(), Some("covet_migrate"));
        assert!(!this.has_binary, "its binary is cargo-covet, not covet");
    }
}
