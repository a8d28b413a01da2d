//! The reader's memo: index -> node.
//!
//! Indices are dense in every pickle CPython writes, so a vector serves; an
//! index far beyond the entries so far (which only a hostile pickle uses,
//! such as `LONG_BINPUT 0xffffffff`) goes to a map instead of growing the
//! vector to gigabytes.

use std::collections::HashMap;

use super::NodeId;

const EMPTY: NodeId = NodeId::MAX;

#[derive(Default)]
pub(crate) struct Memo {
    dense: Vec<NodeId>,
    sparse: HashMap<u64, NodeId>,
    /// Number of occupied entries (what `MEMOIZE` uses as its index).
    len: usize,
}

impl Memo {
    #[inline]
    pub(crate) fn get(&self, idx: u64) -> Option<NodeId> {
        if let Some(&id) = self.dense.get(idx as usize) {
            if id != EMPTY {
                return Some(id);
            }
        }
        if self.sparse.is_empty() {
            return None;
        }
        self.sparse.get(&idx).copied()
    }

    /// Number of occupied entries.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Stores `id` at `idx`; returns how many bytes the memo grew by.
    #[inline]
    pub(crate) fn put(&mut self, idx: u64, id: NodeId) -> usize {
        let i = idx as usize;
        if (i as u64) == idx && i <= self.dense.len() * 2 + 1024 {
            let mut grown = 0;
            if i >= self.dense.len() {
                grown = (i + 1 - self.dense.len()) * std::mem::size_of::<NodeId>();
                self.dense.resize(i + 1, EMPTY);
            }
            if self.dense[i] == EMPTY
                && (self.sparse.is_empty() || self.sparse.remove(&idx).is_none())
            {
                self.len += 1;
            }
            self.dense[i] = id;
            return grown;
        }
        if self.sparse.insert(idx, id).is_none() {
            self.len += 1;
            return 32;
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_and_dense_entries_agree() {
        let mut memo = Memo::default();
        memo.put(0, 10);
        memo.put(0xffff_ffff, 11);
        assert_eq!(memo.len(), 2);
        assert_eq!(memo.get(0xffff_ffff), Some(11));
        memo.put(5000, 12); // goes sparse: far beyond the dense entries
        for i in 1..3000 {
            memo.put(i, 1);
        }
        assert_eq!(memo.get(5000), Some(12));
        memo.put(5000, 13);
        assert_eq!(memo.get(5000), Some(13));
        assert_eq!(memo.len(), 3002);
        assert_eq!(memo.get(7), Some(1));
        assert_eq!(memo.get(6000), None);
    }
}
