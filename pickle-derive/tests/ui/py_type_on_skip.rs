use pickle_core::ToPickle;

#[derive(ToPickle)]
#[pickle(module = "shop.models")]
struct Item {
    sku: String,
    #[pickle(skip, py_type = "int")]
    cache: i64,
    #[pickle(py_type = "")]
    empty: i64,
}

fn main() {}
