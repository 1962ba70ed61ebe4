// Only an integer key can number itself.
#[covet::model]
struct Country {
    #[covet(primary_key, auto_increment)]
    code: String,
    name: String,
}

fn main() {}
