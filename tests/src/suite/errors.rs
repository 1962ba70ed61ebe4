//! Suite module `errors`.
