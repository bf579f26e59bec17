/**
 * The uvgem daemon: the kernel of {@code dev.uvgem.sys} served over Unix-domain stream sockets with the wire
 * protocol v1.
 *
 * <p>The pieces, from the socket up:
 *
 * <ul>
 *   <li>{@link dev.uvgem.daemon.Daemon} owns the kernel (booted with file-backed buffer memory in a private
 *       directory), the two listening sockets and the event loops; {@link dev.uvgem.daemon.DaemonConfig} says
 *       where and how.
 *   <li>{@code EventLoop}: a platform thread with a selector, accepting connections and reading their frames; it
 *       runs every request that cannot sleep inline, in order.
 *   <li>{@code Connection}: one socket, its input buffer and its reply queue (one writer at a time).
 *   <li>{@code Session}: the protocol state of one connection (HELLO, then its {@link dev.uvgem.sys.Process}) and
 *       the dispatch of each {@code Op} to a system call; requests that sleep become {@code ParkedCall}s,
 *       cancellable by tag: a POLL with no thread ({@link dev.uvgem.sys.AsyncPoll}, answered on the event loop
 *       whose request woke it), the others on virtual threads.
 *   <li>{@code PrefaultingAllocator}: buffer files, large ones pre-faulted in the background.
 *   <li>The codec: {@code FrameReader} (splits the byte stream into frames), {@code BodyReader} (bounds-checked
 *       decoding of a request body), {@code ReplyWriter} (encodes a reply frame), {@code Op} and {@code Wire}
 *       (the contract's numbers).
 * </ul>
 */
package dev.uvgem.daemon;
