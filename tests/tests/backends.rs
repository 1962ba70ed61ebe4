//! Fails the run when `COVET_REQUIRE_BACKENDS` names a backend whose suite was not compiled in.
//! (CI sets `COVET_REQUIRE_BACKENDS=sqlite,postgres,mysql`.)

#[test]
fn every_required_backend_is_configured() {
    let required = std::env::var("COVET_REQUIRE_BACKENDS").unwrap_or_default();
    let configured = [
        ("sqlite", true),
        ("postgres", cfg!(covet_postgres)),
        ("mysql", cfg!(covet_mysql)),
    ];
    let mut missing = Vec::new();
    for name in required.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match configured.iter().find(|(known, _)| *known == name) {
            Some((_, true)) => {}
            Some((_, false)) => missing.push(name),
            None => panic!("COVET_REQUIRE_BACKENDS names unknown backend `{name}`"),
        }
    }
    assert!(
        missing.is_empty(),
        "required backends not configured: {missing:?}; set COVET_TEST_POSTGRES / COVET_TEST_MYSQL"
    );
    for (name, on) in configured {
        if !on {
            eprintln!("backend {name}: SKIPPED (not configured)");
        }
    }
}
