// A misspelled attribute is refused, with the attribute that was probably meant.
#[covet::model]
struct User {
    #[covet(primay_key)]
    id: i64,
    #[covet(uniqe)]
    email: String,
}

fn main() {}
