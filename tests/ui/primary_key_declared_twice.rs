// The key is declared either on a field or in `#[covet::model(primary_key(..))]`, not both.
#[covet::model(primary_key(user_id, group_id))]
struct Membership {
    #[covet(primary_key)]
    user_id: i64,
    group_id: i64,
}

fn main() {}
