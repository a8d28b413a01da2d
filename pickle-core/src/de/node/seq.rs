//! Sequences of the general reader's result.

use super::decoder::NodeDecoder;
use crate::de::arena::NodeId;
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
