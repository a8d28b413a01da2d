use pickle_core::ToPickle;

#[derive(ToPickle)]
#[pickle(module = "shop.models", modle = "typo")]
struct Order {
    #[pickle(renamed = "x")]
    id: i64,
}

fn main() {}
