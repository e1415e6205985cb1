//! Connections that do nothing are closed: a client that opens a connection and never
//! finishes its request, or keeps an idle one open, would otherwise hold it (and a file
//! descriptor) for ever, and enough of them would leave the server answering no one.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// How long a connection may go without the server writing to it. Every response is
/// written at once, and an open page's event stream is sent a comment every 15 seconds
/// (axum's `KeepAlive`), so only a connection waiting on a request that does not come
/// goes this long.
pub const IDLE: Duration = Duration::from_secs(30);

/// A listener whose connections end after [`IDLE`] without a write.
pub struct Listener {
    pub tcp: TcpListener,
    pub idle: Duration,
}

impl axum::serve::Listener for Listener {
    type Io = Idle<TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = axum::serve::Listener::accept(&mut self.tcp).await;
        (Idle::new(stream, self.idle), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// A connection that fails its reads once it has gone `idle` without a write, which ends
/// it: the server reads whenever it waits for a request.
pub struct Idle<T> {
    io: T,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<T> Idle<T> {
    pub fn new(io: T, idle: Duration) -> Self {
        Idle {
            io,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
        }
    }
}

impl<T> Idle<T> {
    /// After a write: one that wrote something moves the end `idle` past now.
    fn wrote(
        &mut self,
        cx: &mut Context<'_>,
        written: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            let next = Instant::now() + self.idle;
            self.deadline.as_mut().reset(next);
        }
        self.waited(cx, written)
    }

    /// A write or flush that waits (a client that does not read what it asked for) fails
    /// once the end has come, as a read does.
    fn waited<R>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        if polled.is_pending() && self.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::ErrorKind::TimedOut.into()));
        }
        polled
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Idle<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::ErrorKind::TimedOut.into()));
        }
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Idle<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.io).poll_write(cx, buf);
        self.wrote(cx, written)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.io).poll_write_vectored(cx, bufs);
        self.wrote(cx, written)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let flushed = Pin::new(&mut self.io).poll_flush(cx);
        self.waited(cx, flushed)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test(start_paused = true)]
    async fn a_connection_without_writes_fails_its_reads_and_writes_push_the_end_back() {
        let (near, mut far) = tokio::io::duplex(64);
        let mut idle = Idle::new(near, Duration::from_secs(30));
        let mut byte = [0u8; 1];
        // Data in time is read.
        far.write_all(b"a").await.unwrap();
        idle.read_exact(&mut byte).await.unwrap();
        // A write at 20 s keeps it open past 30 s.
        tokio::time::advance(Duration::from_secs(20)).await;
        idle.write_all(b"b").await.unwrap();
        tokio::time::advance(Duration::from_secs(20)).await;
        far.write_all(b"c").await.unwrap();
        idle.read_exact(&mut byte).await.unwrap();
        assert_eq!(&byte, b"c");
        // Waiting 30 s more for a request that does not come ends it.
        let waited = idle.read_exact(&mut byte).await.unwrap_err();
        assert_eq!(waited.kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_does_not_read_what_it_asked_for_is_let_go() {
        let (near, _far) = tokio::io::duplex(64);
        let mut idle = Idle::new(near, Duration::from_secs(30));
        // More than the pipe holds, which the other end never reads: the write waits,
        // and fails once 30 s have passed without a byte going out.
        let write = idle.write_all(&[b'x'; 4096]);
        let ended = tokio::time::timeout(Duration::from_secs(60), write).await;
        let stuck = ended.expect("the write ends by 30 s").unwrap_err();
        assert_eq!(stuck.kind(), io::ErrorKind::TimedOut);
    }
}
