// `unchecked_sql` takes a `&'static str` so that SQL text cannot be assembled from run-time
// values (the road to SQL injection); values go through `.bind(..)`.
fn main() {
    let table = "users";
    let _ = covet::unchecked_sql(format!("SELECT * FROM {table}"));
}
