// Model options such as the table name go in `#[covet::model(...)]`, not in a `#[covet(...)]`
// on the struct.
#[covet::model]
#[covet(table = "users")]
struct User {
    #[covet(primary_key)]
    id: i64,
}

fn main() {}
