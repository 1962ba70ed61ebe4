//! Suite module `types`.
