// A DbEnum is stored as one string per variant, so its variants cannot carry data.
#[derive(covet::DbEnum)]
enum Shape {
    Point,
    Circle(f64),
    Square { side: f64 },
}

fn main() {}
