use pickle_core::ToPickle;

#[derive(ToPickle)]
#[pickle(dict, module = "shop.models")]
struct Settings {
    theme: String,
}

fn main() {}
