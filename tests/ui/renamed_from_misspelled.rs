// A misspelled `renamed_from` is refused, on the model and on a field, with the attribute that
// was meant: ignoring it would turn the rename into a drop and an add.
#[covet::model(table = "people", renamed_form = "persons")]
struct Person {
    #[covet(primary_key)]
    id: i64,
    #[covet(rename_from = "name")]
    full_name: String,
}

fn main() {}
