use pickle_core::ToPickle;

#[derive(ToPickle)]
#[pickle(module = shop.models, name = 42)]
struct Order {
    id: i64,
}

fn main() {}
