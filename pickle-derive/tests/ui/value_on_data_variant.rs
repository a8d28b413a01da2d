use pickle_core::ToPickle;

#[derive(ToPickle)]
#[pickle(module = "shop.models")]
enum Shape {
    #[pickle(value = "circle")]
    Circle { radius: f64 },
    Empty,
}

fn main() {}
