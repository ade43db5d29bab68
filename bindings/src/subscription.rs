//! "Records changed" notifications. The app subscribes once per screen or repository and
//! keeps the returned handle; closing (or garbage-collecting) the handle unsubscribes, so a
//! screen that goes away cannot leak a listener.

use std::sync::{Arc, Mutex, Weak};

/// Implemented by the app. Called on the thread that made the change (a local write, or the
/// sync), after the change is committed and with no lock held, so it may call back into the
/// store; post to the UI thread rather than doing work here.
#[uniffi::export(foreign)]
pub trait RecordsChanged: Send + Sync {
    fn on_records_changed(&self, record_ids: Vec<String>);
}

type Listeners = Mutex<Vec<(u64, Arc<dyn RecordsChanged>)>>;

#[derive(Default)]
pub(crate) struct Registry {
    listeners: Arc<Listeners>,
    next_id: Mutex<u64>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.listeners.lock().map(|l| l.len()).unwrap_or(0);
        f.debug_struct("Registry")
            .field("listeners", &count)
            .finish()
    }
}

impl Registry {
    pub(crate) fn add(&self, listener: Arc<dyn RecordsChanged>) -> Arc<Subscription> {
        let id = match self.next_id.lock() {
            Ok(mut next) => {
                *next += 1;
                *next
            }
            Err(_) => 0,
        };
        if let Ok(mut listeners) = self.listeners.lock() {
            listeners.push((id, listener));
        }
        Arc::new(Subscription {
            id,
            listeners: Arc::downgrade(&self.listeners),
        })
    }

    /// Tells every listener; a copy of the list is taken first so a listener may subscribe
    /// or unsubscribe from inside its callback.
    pub(crate) fn notify(&self, record_ids: &[String]) {
        if record_ids.is_empty() {
            return;
        }
        let listeners: Vec<Arc<dyn RecordsChanged>> = match self.listeners.lock() {
            Ok(l) => l.iter().map(|(_, l)| l.clone()).collect(),
            Err(_) => return,
        };
        for listener in listeners {
            listener.on_records_changed(record_ids.to_vec());
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.listeners.lock().map(|l| l.len()).unwrap_or(0)
    }
}

/// The handle of one subscription. Notifications stop when it is cancelled or dropped
/// (Kotlin: `close()` / `use {}`; Swift: released; Python: garbage-collected or `cancel()`).
#[derive(uniffi::Object)]
pub struct Subscription {
    id: u64,
    /// Weak, so a handle that outlives its store does not keep the store's listeners alive.
    listeners: Weak<Listeners>,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .finish()
    }
}

#[uniffi::export]
impl Subscription {
    /// Stops notifications now; calling it again does nothing.
    pub fn cancel(&self) {
        if let Some(listeners) = self.listeners.upgrade()
            && let Ok(mut l) = listeners.lock()
        {
            l.retain(|(id, _)| *id != self.id);
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.cancel();
    }
}
