/**
 * The Granary protocol: frames, message records and codecs, status codes, limits, transports, TLS
 * and access tokens, shared by every server and the client library. Every package is exported:
 * the servers and the library meet only here.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.granary.wire {
  exports dev.granary.wire;
  exports dev.granary.wire.msg;
  exports dev.granary.wire.net;
  exports dev.granary.wire.security;
  exports dev.granary.wire.tls;

  // Netty's types appear in the protocol's signatures (ByteBuf, Channel, SslContext).
  requires transitive io.netty.buffer;
  requires transitive io.netty.common;
  requires transitive io.netty.transport;
  requires transitive io.netty.codec;
  requires transitive io.netty.handler;
  requires io.netty.transport.classes.epoll;
  requires io.netty.transport.unix.common;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.util;
  requires org.slf4j;
}
