// A DbEnum variant takes only `#[covet(rename = "...")]`.
#[derive(covet::DbEnum)]
enum Status {
    #[covet(renam = "on")]
    Active,
    #[covet(default)]
    Inactive,
}

fn main() {}
