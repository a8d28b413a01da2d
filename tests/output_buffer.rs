//! The buffer `to_vec` returns: after the first batch of a long slice (a
//! `Vec`, an array) the writer reserves room for the rest at the rate of
//! the batches so far, so a large pickle is not copied again and again as
//! it grows; an estimate that turns out too large is given back. The bytes are those of `to_writer`, which
//! writes frame by frame and estimates nothing (and `cpython_write` checks
//! those against CPython for lists of more than two batches).

use pickle_core::Protocol;

fn bytes_by_writer<T: pickle_core::ToPickle>(value: &T, protocol: Protocol) -> Vec<u8> {
    let mut out = Vec::new();
    pickle_core::ser::Options::new()
        .protocol(protocol)
        .to_writer(&mut out, value)
        .expect("writes");
    out
}

#[test]
fn a_long_list_of_alike_items_is_written_into_one_allocation_of_about_its_size() {
    let items: Vec<String> = (0..50_000).map(|i| format!("item {i}")).collect();
    for protocol in [Protocol::V2, Protocol::V4, Protocol::V5] {
        let bytes = pickle_core::to_vec_with(&items, protocol).expect("writes");
        assert_eq!(bytes, bytes_by_writer(&items, protocol), "{protocol:?}");
        // Grown by doubling it would end between 1x and 2x its length
        // (1.6x for these lengths).
        assert_about_its_size(&bytes);
    }
}

/// At most an eighth more room than the bytes take.
fn assert_about_its_size(bytes: &Vec<u8>) {
    assert!(
        bytes.capacity() <= bytes.len() + bytes.len() / 8,
        "{} bytes in a buffer of {}",
        bytes.len(),
        bytes.capacity()
    );
}

#[test]
fn a_list_whose_first_batch_is_its_largest_does_not_keep_the_estimate() {
    // The first 1,000 items estimate 4 KiB for each of the next 100,000,
    // which take 5 bytes or less.
    let items: Vec<String> = (0..101_000)
        .map(|i| {
            if i < 1000 {
                "x".repeat(4096)
            } else {
                String::new()
            }
        })
        .collect();
    let bytes = pickle_core::to_vec(&items).expect("writes");
    assert_eq!(bytes, bytes_by_writer(&items, Protocol::V5));
    assert!(
        bytes.capacity() <= 2 * bytes.len(),
        "{} bytes in a buffer of {}",
        bytes.len(),
        bytes.capacity()
    );
}
