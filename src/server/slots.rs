//! One heavy user cannot starve the rest: a full sync reads every case in
//! scope, and fifty of them at once by one login took the database from
//! everyone (a casusregisseur's case detail went from 0.1 s to 4.2 s).
//! Each caller may have [`PER_CALLER`] syncs reading the store at once;
//! beyond that the answer is 429 with `Retry-After`, and the desk waits.
//! An idle poll (304 from memory) takes no slot.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::domain::model::Login;

/// Syncs of one caller reading the store at once: a desk has one; a
/// second covers a script beside it.
pub const PER_CALLER: usize = 2;

/// How long a caller over the limit is asked to wait, in seconds.
pub const RETRY_AFTER: u64 = 1;

#[derive(Debug, Default)]
pub struct SyncSlots {
    held: Mutex<HashMap<Login, usize>>,
}

/// A slot held until dropped.
#[derive(Debug)]
pub struct Slot {
    slots: Arc<SyncSlots>,
    login: Login,
}

impl SyncSlots {
    /// A slot for `login`, unless they hold [`PER_CALLER`] already.
    pub fn take(self: &Arc<Self>, login: &str) -> Option<Slot> {
        let mut held = self.held.lock().expect("sync slots lock");
        let count = held.entry(login.to_string()).or_default();
        if *count >= PER_CALLER {
            return None;
        }
        *count += 1;
        Some(Slot {
            slots: self.clone(),
            login: login.to_string(),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self.slots.held.lock().expect("sync slots lock");
        if let Some(count) = held.get_mut(&self.login) {
            *count -= 1;
            if *count == 0 {
                held.remove(&self.login);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_holds_at_most_two_and_others_are_not_affected() {
        let slots = Arc::new(SyncSlots::default());
        let first = slots.take("admin").unwrap();
        let _second = slots.take("admin").unwrap();
        assert!(slots.take("admin").is_none());
        assert!(slots.take("cr-01").is_some());
        drop(first);
        assert!(slots.take("admin").is_some());
    }
}
