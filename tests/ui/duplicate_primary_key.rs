// Only one field may carry `primary_key`; a composite key is declared on the model instead.
#[covet::model]
struct Membership {
    #[covet(primary_key)]
    user_id: i64,
    #[covet(primary_key)]
    group_id: i64,
}

fn main() {}
