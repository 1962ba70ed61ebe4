// A column's `default` must be a value of the column's type: text cannot default an integer.
#[covet::model]
struct Counter {
    #[covet(primary_key)]
    id: i64,
    #[covet(default = "zero")]
    hits: i64,
}

fn main() {}
