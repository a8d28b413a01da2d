//! IP addresses as Python's `ipaddress` objects.
//!
//! | Rust | Python | notes |
//! |---|---|---|
//! | [`Ipv4Addr`] | `ipaddress.IPv4Address` | `IPv4Address(int)`, as its `__reduce__` writes it |
//! | [`Ipv6Addr`] | `ipaddress.IPv6Address` | `IPv6Address(str)`, the text as CPython 3.11's `str()` writes it (hextets in lowercase hex, the first longest run of zeros compressed to `::`, no dotted IPv4 part); for a target version before 3.11.7 (or 3.12.0), `IPv6Address(int)`, and from 3.13 an IPv4-mapped address is `::ffff:1.2.3.4` (see [`ser::Options::python_version`](crate::ser::Options::python_version)). Reading refuses an address with a scope id (`fe80::1%eth0`), which `Ipv6Addr` cannot hold |
//! | [`IpAddr`] | either | by the class |
//!
//! Reading also takes the argument in the other form (an `int` for an IPv6
//! address, as Python 3.8 wrote it, or a `str` for an IPv4 address).
//!
//! ```
//! use std::net::Ipv4Addr;
//! use pickle_core::Protocol;
//!
//! let bytes = pickle_core::to_vec_with(&Ipv4Addr::new(192, 168, 1, 1), Protocol::V2)?;
//! // pickle.dumps(ipaddress.IPv4Address("192.168.1.1"), protocol=2) in CPython 3.11
//! assert_eq!(
//!     bytes,
//!     b"\x80\x02cipaddress\nIPv4Address\nq\x00\x8a\x05\x01\x01\xa8\xc0\x00\x85q\x01Rq\x02."
//! );
//! assert_eq!(pickle_core::from_slice::<Ipv4Addr>(&bytes)?, Ipv4Addr::new(192, 168, 1, 1));
//! # Ok::<(), pickle_core::Error>(())
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::class::{ClassDesc, FieldDesc, Repr};
use crate::de::{Decoder, Kind};
use crate::error::{ErrorKind, Result};
use crate::stubs::{PyType, Registry, TypeExpr};
use crate::{FromPickle, Pickler, ToPickle};

/// `ipaddress` classes are Python classes: their names are interned.
const fn class(name: &'static str) -> ClassDesc {
    ClassDesc {
        module: "ipaddress",
        name,
        repr: Repr::Reduce,
        fields: &[FieldDesc {
            name: "address",
            aliases: &[],
            optional: false,
        }],
        aliases: &[],
        deny_unknown_fields: true,
        members: &[],
    }
}

static IPV4: ClassDesc = class("IPv4Address");
static IPV6: ClassDesc = class("IPv6Address");

/// The text of `ipaddress.IPv6Address.__str__` in CPython 3.11
/// (`_compress_hextets`): RFC 5952 without the dotted IPv4 forms.
fn python_ipv6_text(addr: &Ipv6Addr) -> String {
    let hextets = addr.segments();
    let (mut best_start, mut best_len) = (0, 0);
    let mut run_start = 0;
    for (i, &h) in hextets.iter().enumerate() {
        if h != 0 {
            run_start = i + 1;
        } else if i + 1 - run_start > best_len {
            best_start = run_start;
            best_len = i + 1 - run_start;
        }
    }
    let hex = |hs: &[u16]| {
        hs.iter()
            .map(|h| format!("{h:x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    if best_len > 1 {
        let end = best_start + best_len;
        format!("{}::{}", hex(&hextets[..best_start]), hex(&hextets[end..]))
    } else {
        hex(&hextets)
    }
}

/// The one argument of an `ipaddress` object.
fn address_arg<'a>(d: &Decoder<'a>, class: &ClassDesc) -> Result<Decoder<'a>> {
    let mut args = d.call_args_alone(class.module, class.name)?;
    match (args.next_item()?, args.len()) {
        (Some(arg), 0) => Ok(arg),
        _ => Err(d.shape_error(&format!(
            "an instance of `{}` of one argument",
            class.path()
        ))),
    }
}

fn parse_error(arg: &Decoder<'_>, class: &ClassDesc, text: &str) -> crate::Error {
    let shown: String = text.chars().take(60).collect();
    if text.contains('%') {
        return arg.error(
            ErrorKind::OutOfRange,
            format!(
                "`{}` {shown:?} has a scope id, which `Ipv6Addr` cannot hold",
                class.path()
            ),
        );
    }
    arg.error(
        ErrorKind::OutOfRange,
        format!("{shown:?} is not the text of an `{}`", class.path()),
    )
}

impl ToPickle for Ipv4Addr {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        p.write_instance(&IPV4, &[&u32::from(*self)])
    }
}

impl FromPickle for Ipv4Addr {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let arg = address_arg(&d, &IPV4)?;
        if arg.kind() == Kind::Str {
            let text = arg.decode_str()?;
            return text.parse().map_err(|_| parse_error(&arg, &IPV4, text));
        }
        u32::from_pickle(arg).map(Ipv4Addr::from)
    }
}

impl ToPickle for Ipv6Addr {
    /// `IPv6Address(text)`, or `IPv6Address(int)` for the CPython versions
    /// whose `__reduce__` gives the int (before 3.11.7 and 3.12.1).
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        let dialect = p.dialect();
        if !dialect.ipv6_as_text {
            return p.write_instance(&IPV6, &[&u128::from(*self)]);
        }
        match self.to_ipv4_mapped() {
            // `::ffff:1.2.3.4`, as `str()` shows IPv4-mapped addresses from 3.13 on.
            Some(v4) if dialect.ipv4_mapped_dotted => {
                p.write_instance(&IPV6, &[&format!("::ffff:{v4}")])
            }
            _ => p.write_instance(&IPV6, &[&python_ipv6_text(self)]),
        }
    }
}

impl FromPickle for Ipv6Addr {
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        let arg = address_arg(&d, &IPV6)?;
        if arg.kind() == Kind::Int {
            return u128::from_pickle(arg).map(Ipv6Addr::from);
        }
        let text = arg.decode_str()?;
        text.parse().map_err(|_| parse_error(&arg, &IPV6, text))
    }
}

impl ToPickle for IpAddr {
    fn to_pickle(&self, p: &mut Pickler<'_>) -> Result<()> {
        match self {
            IpAddr::V4(a) => a.to_pickle(p),
            IpAddr::V6(a) => a.to_pickle(p),
        }
    }
}

impl FromPickle for IpAddr {
    /// From an `ipaddress.IPv4Address` or an `ipaddress.IPv6Address`.
    fn from_pickle(d: Decoder<'_>) -> Result<Self> {
        match d.class() {
            Some(g) if g.is(IPV6.module, IPV6.name) => Ipv6Addr::from_pickle(d).map(IpAddr::V6),
            Some(g) if g.is(IPV4.module, IPV4.name) => Ipv4Addr::from_pickle(d).map(IpAddr::V4),
            Some(g) => Err(d.error(
                ErrorKind::UnexpectedGlobal,
                format!(
                    "expected an `ipaddress.IPv4Address` or `ipaddress.IPv6Address`, \
                     found an instance of `{g}`"
                ),
            )),
            None => Err(d.type_error("an `ipaddress.IPv4Address` or `ipaddress.IPv6Address`")),
        }
    }
}

/// `ipaddress.IPv4Address`, for the generated Python classes.
impl PyType for Ipv4Addr {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::class(IPV4.module, IPV4.name)
    }
}

/// `ipaddress.IPv6Address`, for the generated Python classes.
impl PyType for Ipv6Addr {
    fn py_type(_: &mut Registry) -> TypeExpr {
        TypeExpr::class(IPV6.module, IPV6.name)
    }
}

/// `typing.Union[ipaddress.IPv4Address, ipaddress.IPv6Address]`, for the
/// generated Python classes.
impl PyType for IpAddr {
    fn py_type(registry: &mut Registry) -> TypeExpr {
        TypeExpr::union(vec![
            Ipv4Addr::py_type(registry),
            Ipv6Addr::py_type(registry),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_text_is_pythons() {
        // str(ipaddress.IPv6Address(a)) in CPython 3.11, for each a.
        for (addr, text) in [
            ("::", "::"),
            ("::1", "::1"),
            ("1::", "1::"),
            ("::ffff:1.2.3.4", "::ffff:102:304"),
            ("1:0:0:1:0:0:0:1", "1:0:0:1::1"),
            ("1:0:0:1:0:0:1:1", "1::1:0:0:1:1"),
            ("0:0:1::", "0:0:1::"),
            ("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"),
            ("2001:DB8::ABCD", "2001:db8::abcd"),
        ] {
            let parsed: Ipv6Addr = addr.parse().expect("valid address");
            assert_eq!(python_ipv6_text(&parsed), text, "{addr}");
        }
    }
}
