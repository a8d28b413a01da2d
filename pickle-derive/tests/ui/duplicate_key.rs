use pickle_core::ToPickle;

#[derive(ToPickle)]
#[pickle(module = "shop.models")]
#[pickle(module = "shop.other")]
struct Order {
    #[pickle(rename = "a", rename = "b")]
    id: i64,
}

fn main() {}
