// Every model needs a primary key: covet finds, updates and deletes rows by it.
#[covet::model]
struct Event {
    name: String,
    at: i64,
}

fn main() {}
