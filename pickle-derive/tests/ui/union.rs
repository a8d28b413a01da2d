use pickle_core::ToPickle;

#[derive(ToPickle)]
#[pickle(module = "shop.models")]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
