//! Sequences and dicts of the general reader's result.

use super::decoder::NodeDecoder;
use crate::de::arena::{NodeId, OpNode};
use crate::error::Result;

/// The items of a sequence.
pub(crate) struct NodeSeq<'a> {
    parent: NodeDecoder<'a>,
    items: std::slice::Iter<'a, NodeId>,
}

impl<'a> NodeSeq<'a> {
    pub(crate) fn new(parent: NodeDecoder<'a>, items: &'a [NodeId]) -> NodeSeq<'a> {
        NodeSeq {
            parent,
            items: items.iter(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn next_item(&mut self) -> Result<Option<NodeDecoder<'a>>> {
        match self.items.next() {
            Some(&id) => self.parent.child(id).map(Some),
            None => Ok(None),
        }
    }
}

enum Entries<'a> {
    Dict(std::slice::Iter<'a, (NodeId, NodeId)>),
    /// The `SETITEM`s of an object (an `OrderedDict`, a `defaultdict`).
    Ops(std::slice::Iter<'a, OpNode>),
}

/// The entries of a dict.
pub(crate) struct NodeMap<'a> {
    parent: NodeDecoder<'a>,
    entries: Entries<'a>,
}

impl<'a> NodeMap<'a> {
    pub(crate) fn dict(parent: NodeDecoder<'a>, entries: &'a [(NodeId, NodeId)]) -> NodeMap<'a> {
        NodeMap {
            parent,
            entries: Entries::Dict(entries.iter()),
        }
    }

    pub(crate) fn ops(parent: NodeDecoder<'a>, ops: &'a [OpNode]) -> NodeMap<'a> {
        NodeMap {
            parent,
            entries: Entries::Ops(ops.iter()),
        }
    }

    /// How many entries are left (an upper bound for dict-like objects).
    pub(crate) fn len(&self) -> usize {
        match &self.entries {
            Entries::Dict(it) => it.len(),
            Entries::Ops(it) => it.len(),
        }
    }

    pub(crate) fn next_entry(&mut self) -> Result<Option<(NodeDecoder<'a>, NodeDecoder<'a>)>> {
        let pair = match &mut self.entries {
            Entries::Dict(it) => it.next().copied(),
            Entries::Ops(it) => it.find_map(|op| match op {
                OpNode::SetItem(k, v) => Some((*k, *v)),
                _ => None,
            }),
        };
        match pair {
            Some((k, v)) => Ok(Some((self.parent.child(k)?, self.parent.child(v)?))),
            None => Ok(None),
        }
    }
}
