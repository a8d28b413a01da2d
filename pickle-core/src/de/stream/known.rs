//! What the reader has learned about memo entries fetched by one-byte
//! `GET`s: that a global is accepted as a class, or that a name is a field
//! of a class.
//!
//! CPython writes every instance of a class with the same `GET`s of the
//! class and of its attribute names. Matching them against the class's
//! description once, and remembering the match by memo index, lets every
//! later instance skip the memo lookup, the text and the name comparisons.
//! A memo entry never changes once written (the plan refuses a pickle that
//! writes an index twice), so a match stays true for the whole pickle.

use crate::class::ClassDesc;

/// Matches by memo index (`BINGET` indices only: 0 to 255).
#[derive(Default)]
pub(crate) struct Known {
    by_index: Vec<Match>,
}

/// A match of one memo entry: the class description's address (0: none)
/// and what the entry is to it.
#[derive(Clone, Copy, Default)]
struct Match {
    class: usize,
    what: u32,
}

/// [`Match::what`] of a global accepted as the class itself.
const CLASS: u32 = u32::MAX;

fn address(class: &ClassDesc) -> usize {
    class as *const ClassDesc as usize
}

impl Known {
    fn what(&self, index: u8, class: &ClassDesc) -> Option<u32> {
        let m = self.by_index.get(index as usize)?;
        (m.class == address(class)).then_some(m.what)
    }

    fn learn(&mut self, index: u8, class: &ClassDesc, what: u32) {
        let index = index as usize;
        if self.by_index.len() <= index {
            self.by_index.resize(index + 1, Match::default());
        }
        self.by_index[index] = Match {
            class: address(class),
            what,
        };
    }

    /// Whether entry `index` is a global that `class` accepts.
    #[inline]
    pub(crate) fn is_class(&self, index: u8, class: &ClassDesc) -> bool {
        self.what(index, class) == Some(CLASS)
    }

    /// The field of `class` that the name in entry `index` names.
    #[inline]
    pub(crate) fn field(&self, index: u8, class: &ClassDesc) -> Option<usize> {
        self.what(index, class)
            .filter(|&w| w != CLASS)
            .map(|w| w as usize)
    }

    /// Entry `index` is a global that `class` accepts.
    pub(crate) fn learn_class(&mut self, index: u8, class: &ClassDesc) {
        self.learn(index, class, CLASS);
    }

    /// Entry `index` is the name of field `field` of `class`.
    pub(crate) fn learn_field(&mut self, index: u8, class: &ClassDesc, field: usize) {
        if let Ok(field) = u32::try_from(field) {
            if field != CLASS {
                self.learn(index, class, field);
            }
        }
    }
}
