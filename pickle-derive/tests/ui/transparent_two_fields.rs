use pickle_core::ToPickle;

#[derive(ToPickle)]
#[pickle(transparent)]
struct Id(i64, i64);

fn main() {}
