use pickle_core::ToPickle;

#[derive(ToPickle)]
#[pickle(module = "shop.models", rename_all = "Title Case")]
struct Order {
    order_id: i64,
}

fn main() {}
