// Columns are named after fields, so a model needs named fields.
#[covet::model]
struct Point(i64, i64);

fn main() {}
