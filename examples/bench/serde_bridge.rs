//! The serde bridge's rows: the headline records, as the same serde type,
//! through `pickle_core::serde` and through serde-pickle, and the same
//! data through the derive (as instances of their class, not dicts).
//!
//! Both serde decoders read the bridge's pickle of the records (dicts, at
//! protocol 5); the derive reads CPython's pickle of the instances.

use crate::peers::serde_pickle_peer;
use crate::records::{records, Order};

/// The best time of `f`, in seconds.
fn best<T>(f: impl FnMut() -> T) -> f64 {
    crate::timing::time(f).best
}

/// One row: the times of the bridge, serde-pickle and the derive.
struct Times {
    direction: &'static str,
    bridge: f64,
    serde_pickle: f64,
    derive: f64,
}

pub fn print(derive_pickle: &[u8]) {
    let data = records();
    let pickle = pickle_core::serde::to_vec(&data).expect("the bridge encodes");
    {
        let ours: Vec<Order> = pickle_core::serde::from_slice(&pickle).expect("the bridge decodes");
        assert!(ours == data, "the bridge's decoding of the records differs");
        let theirs: Vec<Order> = serde_pickle::from_slice(&pickle, serde_pickle_peer::de())
            .expect("serde-pickle decodes");
        assert!(
            theirs == data,
            "serde-pickle's decoding of the records differs"
        );
    }
    let rows = [
        Times {
            direction: "encode",
            bridge: best(|| pickle_core::serde::to_vec(&data).expect("encodes")),
            serde_pickle: best(|| {
                serde_pickle::to_vec(&data, serde_pickle::SerOptions::new()).expect("encodes")
            }),
            derive: best(|| pickle_core::to_vec(&data).expect("encodes")),
        },
        Times {
            direction: "decode",
            bridge: best(|| {
                pickle_core::serde::from_slice::<Vec<Order>>(&pickle).expect("decodes")
            }),
            serde_pickle: best(|| {
                serde_pickle::from_slice::<Vec<Order>>(&pickle, serde_pickle_peer::de())
                    .expect("decodes")
            }),
            derive: best(|| pickle_core::from_slice::<Vec<Order>>(derive_pickle).expect("decodes")),
        },
    ];
    println!(
        "\nthe records as a serde type ({} dicts, {:.1} MB pickle): pickle_core::serde against serde-pickle, and the derive",
        data.len(),
        pickle.len() as f64 / 1e6
    );
    println!("| direction | serde bridge | serde-pickle | derive | bridge vs serde-pickle | derive vs bridge |");
    println!("|---|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {:.4} s | {:.4} s | {:.4} s | {:.1}x | {:.1}x |",
            r.direction,
            r.bridge,
            r.serde_pickle,
            r.derive,
            r.serde_pickle / r.bridge,
            r.bridge / r.derive,
        );
    }
}
