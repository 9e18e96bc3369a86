//! A one-shot, many-waiter signal (shutdown): runtime-agnostic, so it works the same on tokio
//! and in the simulator. Firing wakes every task waiting; waiting after firing completes at once.

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Poll, Waker};

#[derive(Debug, Default)]
pub struct Signal {
    fired: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
}

impl Signal {
    pub fn fire(&self) {
        self.fired.store(true, Ordering::Release);
        let wakers = std::mem::take(&mut *self.wakers.lock().unwrap_or_else(|p| p.into_inner()));
        for waker in wakers {
            waker.wake();
        }
    }

    pub fn is_fired(&self) -> bool {
        self.fired.load(Ordering::Acquire)
    }

    /// Completes once the signal has fired.
    pub fn wait(&self) -> impl Future<Output = ()> + Send + '_ {
        std::future::poll_fn(move |cx| {
            if self.is_fired() {
                return Poll::Ready(());
            }
            let mut wakers = self.wakers.lock().unwrap_or_else(|p| p.into_inner());
            if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
                wakers.push(cx.waker().clone());
            }
            drop(wakers);
            // Re-check: a fire between the first check and the push must not be missed.
            if self.is_fired() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }
}
