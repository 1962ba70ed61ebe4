// An old name follows the rules of every other name: 1 to 63 bytes, no NUL.
#[covet::model(renamed_from = "")]
struct Person {
    #[covet(primary_key)]
    id: i64,
    #[covet(renamed_from = "a_column_name_that_is_much_too_long_for_any_of_the_three_databases")]
    name: String,
}

fn main() {}
