// A column cannot be renamed away from a name another field of the model still maps to: the
// rename would take the column from that field (and a swap would need a name in between).
#[covet::model]
struct Person {
    #[covet(primary_key)]
    id: i64,
    #[covet(renamed_from = "nickname")]
    name: String,
    nickname: Option<String>,
}

fn main() {}
