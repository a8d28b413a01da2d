use pickle_core::ToPickle;

#[derive(ToPickle)]
#[pickle(module = "shop.models", slots, new_args)]
struct Order {
    id: i64,
}

fn main() {}
