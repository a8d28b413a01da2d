use pickle_core::ToPickle;

const BASE: isize = 10;

#[derive(ToPickle)]
#[pickle(module = "shop.models")]
enum Status {
    New = BASE,
    Paid,
}

fn main() {}
