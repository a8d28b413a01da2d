//! Instances with many fields, written through `Pickler::write_instance`
//! and `Pickler::begin_instance`, equal byte for byte what CPython writes:
//! a state dict of one entry, of fewer than, exactly and more than 1000
//! entries (the `SETITEMS` batches), and constructor arguments of up to
//! three items (`TUPLE1..3`) and more (`MARK ... TUPLE`), at every protocol.

mod common;

use pickle_core::class::{ClassDesc, FieldDesc, Repr};
use pickle_core::{Pickler, Protocol, Result, ToPickle};

/// An instance of `class` whose field `i` is the int `i`.
struct Wide {
    class: &'static ClassDesc,
    /// Whether to write through `begin_instance` rather than `write_instance`.
    typed: bool,
}

impl ToPickle for Wide {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        let values: Vec<i64> = (0..self.class.fields.len() as i64).collect();
        if self.typed {
            let mut w = p.begin_instance(self.class)?;
            for v in &values {
                w.field(v)?;
            }
            w.end()
        } else {
            let fields: Vec<&dyn ToPickle> = values.iter().map(|v| v as &dyn ToPickle).collect();
            p.write_instance(self.class, &fields)
        }
    }
}

/// A class `wide.<prefix><n>` of `n` fields `f0`, `f1`, ...
fn class(prefix: &str, repr: Repr, n: usize) -> &'static ClassDesc {
    let fields: Vec<FieldDesc> = (0..n)
        .map(|i| FieldDesc {
            name: Box::leak(format!("f{i}").into_boxed_str()),
            aliases: &[],
            optional: false,
        })
        .collect();
    Box::leak(Box::new(ClassDesc {
        module: "wide",
        name: Box::leak(format!("{prefix}{n}").into_boxed_str()),
        repr,
        fields: Box::leak(fields.into_boxed_slice()),
        aliases: &[],
        deny_unknown_fields: false,
        members: &[],
    }))
}

#[test]
fn wide_instances_are_written_as_cpython_writes_them() {
    let mut records: Vec<Vec<u8>> = Vec::new();
    let kinds = [
        (
            "state",
            "State",
            Repr::State,
            &[1, 2, 999, 1000, 1001, 2000, 2001][..],
        ),
        ("newargs", "Tuple", Repr::NewArgs, &[0, 1, 3, 4, 1001][..]),
    ];
    for (kind, prefix, repr, counts) in kinds {
        for &n in counts {
            let class = class(prefix, repr, n);
            for protocol in Protocol::ALL {
                for typed in [false, true] {
                    let bytes = common::to_vec(&Wide { class, typed }, protocol)
                        .unwrap_or_else(|e| panic!("{kind} {n} at {protocol:?}: {e}"));
                    records.push(kind.as_bytes().to_vec());
                    records.push(n.to_string().into_bytes());
                    records.push((protocol as u8).to_string().into_bytes());
                    records.push(bytes);
                }
            }
        }
    }
    let count = records.len() / 4;
    common::assert_python_ok_for_each("wide_instances.py", &records, count);
}

/// An instance of `wide.State7`, whose fields are of types with their own
/// way of writing an attribute name and a value at once.
struct Mixed {
    a: u64,
    b: usize,
    c: bool,
    d: bool,
    e: u32,
    f: i128,
    g: u64,
}

impl ToPickle for Mixed {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        static CLASS: std::sync::OnceLock<&'static ClassDesc> = std::sync::OnceLock::new();
        let class = CLASS.get_or_init(|| class("State", Repr::State, 7));
        let mut w = p.begin_instance(class)?;
        w.field(&self.a)?;
        w.field(&self.b)?;
        w.field(&self.c)?;
        w.field(&self.d)?;
        w.field(&self.e)?;
        w.field(&self.f)?;
        w.field(&self.g)?;
        w.end()
    }
}

#[test]
fn fields_in_the_steady_state_are_written_as_cpython_writes_them() {
    let mixed = || Mixed {
        a: 1 << 40,
        b: 7,
        c: true,
        d: false,
        e: 300,
        f: -5,
        g: u64::MAX,
    };
    let mut records: Vec<Vec<u8>> = Vec::new();
    for n in [1usize, 3] {
        let values: Vec<Mixed> = (0..n).map(|_| mixed()).collect();
        for protocol in Protocol::ALL {
            records.push(b"mixed".to_vec());
            records.push(n.to_string().into_bytes());
            records.push((protocol as u8).to_string().into_bytes());
            records.push(common::to_vec(&values, protocol).expect("picklable"));
        }
    }
    let count = records.len() / 4;
    common::assert_python_ok_for_each("wide_instances.py", &records, count);
}

/// An instance of a 2-field class, written with `given` fields.
struct Miscounted {
    given: i64,
}

impl ToPickle for Miscounted {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        let class = class("State", Repr::State, 2);
        let mut w = p.begin_instance(class)?;
        for v in 0..self.given {
            w.field(&v)?;
        }
        w.end()
    }
}

#[test]
fn a_wrong_number_of_fields_is_an_error() {
    let message = |given| {
        pickle_core::to_vec(&Miscounted { given })
            .unwrap_err()
            .to_string()
    };
    let few = message(1);
    assert!(
        few.contains("`wide.State2` has 2 fields, 1 values were given"),
        "{few}"
    );
    let many = message(3);
    assert!(
        many.contains("`wide.State2` has 2 fields, more than 2 values were given"),
        "{many}"
    );
}
