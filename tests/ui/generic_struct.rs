// A model maps to one table with fixed column types, so it cannot be generic.
#[covet::model]
struct Wrapper<T> {
    #[covet(primary_key)]
    id: i64,
    value: T,
}

fn main() {}
