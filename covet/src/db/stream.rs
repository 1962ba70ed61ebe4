//! A stream written as an async block: the block owns what the rows borrow (a connection
//! acquired for the query), which a plain stream combinator cannot express without a
//! self-referential type.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_core::future::BoxFuture;
use futures_core::stream::BoxStream;

/// Hands items from the block to the stream's consumer, one at a time.
pub(crate) struct Yielder<T> {
    slot: Arc<Mutex<Option<T>>>,
}

impl<T> Yielder<T> {
    /// Gives `item` to the consumer; resumes when the consumer asks for the next one.
    pub(crate) fn send(&self, item: T) -> impl Future<Output = ()> + Send + use<T> {
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(item);
        Handover { handed: false }
    }
}

/// Pending once, so that the stream's `poll_next` sees the item in the slot and returns it.
struct Handover {
    handed: bool,
}

impl Future for Handover {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.handed {
            Poll::Ready(())
        } else {
            // No waker needed: `Generated::poll_next` returns the item right away, and the
            // consumer's next poll resumes the block.
            self.handed = true;
            Poll::Pending
        }
    }
}

struct Generated<'a, T> {
    slot: Arc<Mutex<Option<T>>>,
    block: Option<BoxFuture<'a, ()>>,
}

impl<T> Stream for Generated<'_, T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let Some(block) = self.block.as_mut() else {
            return Poll::Ready(None);
        };
        let finished = block.as_mut().poll(cx).is_ready();
        if finished {
            self.block = None;
        }
        let item = self
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        match item {
            Some(item) => Poll::Ready(Some(item)),
            None if finished => Poll::Ready(None),
            None => Poll::Pending,
        }
    }
}

/// A stream of what `block` sends to its [`Yielder`], ending when the block returns.
pub(crate) fn generate<'a, T, F, Fut>(block: F) -> BoxStream<'a, T>
where
    T: Send + 'a,
    F: FnOnce(Yielder<T>) -> Fut,
    Fut: Future<Output = ()> + Send + 'a,
{
    let slot = Arc::new(Mutex::new(None));
    let yielder = Yielder { slot: slot.clone() };
    Box::pin(Generated {
        slot,
        block: Some(Box::pin(block(yielder))),
    })
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::generate;

    #[tokio::test]
    async fn yields_in_order_and_ends() {
        let numbers = generate(|out| async move {
            for n in 0..3 {
                tokio::task::yield_now().await;
                out.send(n).await;
            }
        });
        assert_eq!(numbers.collect::<Vec<_>>().await, [0, 1, 2]);
    }

    #[tokio::test]
    async fn dropping_the_stream_drops_the_block() {
        let owned = std::sync::Arc::new(());
        let held = owned.clone();
        let mut stream = generate(move |out| async move {
            let _held = held;
            for n in 0.. {
                out.send(n).await;
            }
        });
        assert_eq!(stream.next().await, Some(0));
        drop(stream);
        assert_eq!(std::sync::Arc::strong_count(&owned), 1);
    }
}
