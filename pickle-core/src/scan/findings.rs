//! Findings as a scan records them: each distinct thing once, with a count
//! of how often the pickle does it. A pickle that makes a million
//! `datetime`s reports one call made a million times.
//!
//! Verdicts are shared (`Arc`s made once per name and use, or once per
//! fixed description), so telling one finding from another compares
//! pointers, not text: a million calls cost a million hash lookups of a few
//! words.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use super::{Action, Finding, Safety};
use crate::opcode::Opcode;
use crate::value::Global;

/// A judgement: how safe, why, and of what.
#[derive(Clone)]
pub(super) struct Verdict {
    pub(super) safety: Safety,
    pub(super) reason: Arc<str>,
    pub(super) target: Arc<str>,
    pub(super) global: Option<Arc<Global>>,
}

fn ptr(s: &Arc<str>) -> usize {
    Arc::as_ptr(s).cast::<u8>() as usize
}

type Key = (u64, Action, Option<Opcode>, Safety, usize, usize);

#[derive(Default)]
pub(super) struct Findings {
    pub(super) list: Vec<Finding>,
    index: HashMap<Key, usize>,
    /// Verdicts of fixed descriptions, by the addresses of their texts.
    fixed: HashMap<(usize, usize, Safety), Verdict>,
    /// Reasons with the note added, by the address of the reason.
    noted: HashMap<usize, Arc<str>>,
    /// The pickle being read (its first byte).
    pub(super) pickle: u64,
    /// A note added to every reason (which reading of the frames).
    pub(super) note: Option<&'static str>,
}

impl Findings {
    /// A verdict of a fixed description, made once.
    pub(super) fn fixed(
        &mut self,
        safety: Safety,
        target: &'static str,
        reason: &'static str,
    ) -> Verdict {
        let key = (target.as_ptr() as usize, reason.as_ptr() as usize, safety);
        self.fixed
            .entry(key)
            .or_insert_with(|| Verdict {
                safety,
                reason: reason.into(),
                target: target.into(),
                global: None,
            })
            .clone()
    }

    /// Records `v` at `offset` (or adds one to the count of the same
    /// finding); its index.
    pub(super) fn record(
        &mut self,
        offset: u64,
        opcode: Option<Opcode>,
        action: Action,
        v: Verdict,
    ) -> usize {
        let reason = match self.note {
            Some(note) => self
                .noted
                .entry(ptr(&v.reason))
                .or_insert_with(|| format!("{} ({note})", v.reason).into())
                .clone(),
            None => v.reason,
        };
        let key = (
            self.pickle,
            action,
            opcode,
            v.safety,
            ptr(&v.target),
            ptr(&reason),
        );
        if let Some(&i) = self.index.get(&key) {
            self.list[i].count += 1;
            return i;
        }
        let i = self.list.len();
        self.list.push(Finding {
            offset,
            pickle: self.pickle,
            opcode,
            action,
            target: v.target,
            global: v.global,
            safety: v.safety,
            reason: Cow::Owned(reason.to_string()),
            count: 1,
        });
        self.index.insert(key, i);
        i
    }
}
