use pickle_core::ToPickle;

// Every error of this item is reported in one compile.
#[derive(ToPickle)]
#[pickle(name = 1, slots, reduce, colour = "red")]
#[pickle(deny_unknown_fields = true, alias = "NoModule")]
struct Order {
    #[pickle(skip, with = "as_text")]
    id: i64,
    #[pickle(rename = "raw")]
    other: i64,
    #[pickle(bytes, bytes)]
    raw: Vec<u8>,
}

fn main() {}
