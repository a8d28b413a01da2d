use pickle_core::FromPickle;

struct NoDefault;

#[derive(FromPickle)]
#[pickle(module = "shop.models")]
struct Order {
    id: i64,
    #[pickle(skip)]
    cache: NoDefault,
}

fn main() {}
