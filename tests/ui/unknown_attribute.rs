// `#[covet(...)]` accepts only the attributes covet knows; anything else is a mistake, not
// something to ignore silently. Same for the model's own arguments.
#[covet::model(schema = "public")]
struct User {
    #[covet(primary_key)]
    id: i64,
    #[covet(nullable)]
    name: String,
}

fn main() {}
