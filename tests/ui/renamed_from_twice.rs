// One column can be renamed to one name only: two fields renamed from the same column are
// ambiguous.
#[covet::model]
struct Person {
    #[covet(primary_key)]
    id: i64,
    #[covet(renamed_from = "name")]
    first_name: String,
    #[covet(renamed_from = "name")]
    last_name: String,
}

fn main() {}
