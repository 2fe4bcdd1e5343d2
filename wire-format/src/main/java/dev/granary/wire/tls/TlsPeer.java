package dev.granary.wire.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/** What the TLS layer of a channel proves about its peer. */
public final class TlsPeer {
  private TlsPeer() {}

  /** Whether {@code ch} runs over TLS. */
  public static boolean isTls(Channel ch) {
    return ch.pipeline().get(SslHandler.class) != null;
  }

  /**
   * The node named by the certificate the peer of {@code ch} presented (verified against the
   * cluster's authority by the handshake); empty with no TLS, no certificate, or one of no node.
   */
  public static Optional<NodeCertificate> node(Channel ch) {
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return Optional.empty();
    }
    try {
      Certificate[] certs = ssl.engine().getSession().getPeerCertificates();
      if (certs.length == 0 || !(certs[0] instanceof X509Certificate x)) {
        return Optional.empty();
      }
      return NodeCertificate.of(x);
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
