//! Runnable examples of covet; see the `examples/` folder.
