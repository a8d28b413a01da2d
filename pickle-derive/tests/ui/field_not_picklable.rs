use pickle_core::{FromPickle, ToPickle};

struct Timestamp(u64);

#[derive(ToPickle, FromPickle)]
#[pickle(module = "shop.models")]
struct Order {
    id: i64,
    placed: Timestamp,
}

fn main() {}
