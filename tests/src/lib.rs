//! covet integration suite.
