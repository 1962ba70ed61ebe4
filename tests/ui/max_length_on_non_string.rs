// `max_length` bounds a text column; an integer column has no length.
#[covet::model]
struct Product {
    #[covet(primary_key)]
    id: i64,
    #[covet(max_length = 10)]
    stock: i32,
}

fn main() {}
