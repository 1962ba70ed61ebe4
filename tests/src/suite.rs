//! The suite, written once. Every test is an `async fn(&TestDb)` listed in [`all_tests!`], which
//! `tests/{sqlite,postgres,mysql}.rs` expand for their backend.

pub mod crud;
pub mod errors;
pub mod query;
pub mod types;

/// Every suite test, by module. Add new tests here.
#[macro_export]
macro_rules! all_tests {
    ($backend:ident) => {
        $crate::suite_module!($backend, crud {
            insert_returns_the_generated_key,
        });
        $crate::suite_module!($backend, query {
        });
        $crate::suite_module!($backend, types {
        });
        $crate::suite_module!($backend, errors {
        });
    };
}
