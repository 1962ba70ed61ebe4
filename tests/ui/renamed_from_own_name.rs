// `renamed_from` gives the name a table or column had before; its current name cannot be it.
// (The column's current name is `column = "..."` when given.)
#[covet::model(table = "people", renamed_from = "people")]
struct Person {
    #[covet(primary_key)]
    id: i64,
    #[covet(renamed_from = "name")]
    name: String,
    #[covet(column = "mail", renamed_from = "mail")]
    email: String,
}

fn main() {}
