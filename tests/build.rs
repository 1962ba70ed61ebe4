//! Compiles the PostgreSQL and MySQL suites only when their URLs are set, so that a backend
//! that is not configured is absent from the run (and said to be so) rather than counted as
//! passed. `tests/tests/backends.rs` fails the run when `COVET_REQUIRE_BACKENDS` names a
//! backend that is missing.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(covet_postgres, covet_mysql)");
    for (var, cfg, name) in [
        ("COVET_TEST_POSTGRES", "covet_postgres", "PostgreSQL"),
        ("COVET_TEST_MYSQL", "covet_mysql", "MySQL/MariaDB"),
    ] {
        println!("cargo::rerun-if-env-changed={var}");
        if std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            println!("cargo::rustc-cfg={cfg}");
        } else {
            println!("cargo::warning={name} suite SKIPPED: set {var} to a server URL to run it");
        }
    }
}
