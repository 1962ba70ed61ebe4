//! Suite module `query`.
