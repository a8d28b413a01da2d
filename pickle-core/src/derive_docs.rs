//! `#[derive(ToPickle, FromPickle)]`: placeholder, written below.
