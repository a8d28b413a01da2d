//! The extension registry: small integer codes that stand for globals.
//!
//! CPython's `copyreg.add_extension` lets two parties agree that, say, code 7
//! means `shop.models.Order`; pickles of protocol 2 and above then carry
//! `EXT1 7` instead of the name. The registry is empty unless both sides
//! register the same codes, so reading an `EXT` opcode is an error unless the
//! caller supplies the registry.

use std::collections::HashMap;

use crate::error::{Error, ErrorKind, Result};
use crate::value::{Global, PyStr};

/// Codes for globals, as registered with `copyreg.add_extension` in Python.
#[derive(Clone, Debug, Default)]
pub struct Extensions {
    by_code: HashMap<u32, Global>,
    by_name: HashMap<Global, u32>,
}

impl Extensions {
    /// An empty registry.
    pub fn new() -> Extensions {
        Extensions::default()
    }

    /// Registers `code` (1 to 2^31 - 1) for `module.name`.
    ///
    /// As in `copyreg.add_extension`, registering the same pair twice is
    /// fine; reusing a code or a name for something else is an error.
    pub fn add(&mut self, module: &str, name: &str, code: u32) -> Result<()> {
        if code == 0 || code > 0x7fff_ffff {
            return Err(Error::new(
                ErrorKind::Extension,
                "extension code out of range",
            ));
        }
        let global = Global::new(module, name);
        match (self.by_code.get(&code), self.by_name.get(&global)) {
            (Some(g), Some(&c)) if *g == global && c == code => return Ok(()),
            (None, None) => {}
            _ => {
                return Err(Error::new(
                    ErrorKind::Extension,
                    format!("extension code {code} or `{global}` is already registered"),
                ))
            }
        }
        self.by_code.insert(code, global.clone());
        self.by_name.insert(global, code);
        Ok(())
    }

    /// The global a code stands for.
    pub fn global(&self, code: u32) -> Option<&Global> {
        self.by_code.get(&code)
    }

    /// The code registered for `module.name`.
    pub fn code(&self, module: &PyStr, name: &PyStr) -> Option<u32> {
        self.by_name
            .get(&Global {
                module: module.clone(),
                name: name.clone(),
            })
            .copied()
    }
}
