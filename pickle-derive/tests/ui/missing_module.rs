use pickle_core::ToPickle;

#[derive(ToPickle)]
struct Order {
    id: i64,
}

fn main() {}
