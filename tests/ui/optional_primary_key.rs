// A primary key column cannot hold NULL, so a key field cannot be an `Option`.
#[covet::model(primary_key(tenant, number))]
struct Invoice {
    tenant: i64,
    number: Option<i64>,
}

fn main() {}
