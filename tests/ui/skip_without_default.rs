// A `skip` field is not read from the database: covet fills it with `Default::default()`, so
// its type must implement `Default`.
struct Connection {
    open: bool,
}

#[covet::model]
struct Session {
    #[covet(primary_key)]
    id: i64,
    #[covet(skip)]
    connection: Connection,
}

fn main() {}
