package dev.granary.wire.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS 1.3 contexts of a cluster, on the JDK's provider. Servers present their node certificate
 * with the authority's behind it and ask for, but do not require, a client certificate: other nodes
 * present theirs (and are known by it), clients have none and authenticate with a user token.
 * Everyone trusts only the cluster's authority; there is no host name check, because what a peer
 * is (master, chunkserver) and which node it is comes from its certificate ({@link NodeCertificate}),
 * checked against what the peer says in its HELLO.
 */
public final class TlsContexts {
  private static final String[] PROTOCOLS = {"TLSv1.3"};

  private TlsContexts() {}

  /** A server's context: presents {@code keys}, trusts the authority, asks for certificates. */
  public static SslContext server(NodeKeys keys) {
    try {
      return SslContextBuilder.forServer(keys.key(), keys.certificate(), keys.ca())
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .trustManager(new ClusterTrust(keys.ca()))
          .clientAuth(ClientAuth.OPTIONAL)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS server context: " + e, e);
    }
  }

  /** A node's client context: presents {@code keys} and trusts the authority. */
  public static SslContext node(NodeKeys keys) {
    try {
      return SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .keyManager(keys.key(), keys.certificate(), keys.ca())
          .trustManager(new ClusterTrust(keys.ca()))
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS client context: " + e, e);
    }
  }

  /** A user's client context: no certificate, trusts {@code ca} only. */
  public static SslContext user(X509Certificate ca) {
    try {
      return SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .trustManager(new ClusterTrust(ca))
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS client context: " + e, e);
    }
  }

  /**
   * A context that trusts whichever authority's certificate hashes to {@code caSha256}: how a node
   * that holds only a join token (which carries that hash) reaches the master before it has the
   * authority's certificate.
   */
  public static SslContext pinned(byte[] caSha256) {
    try {
      return SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .trustManager(new PinnedAuthorityTrust(caSha256))
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS client context: " + e, e);
    }
  }

  static TrustManagerFactory trustOnly(X509Certificate ca) {
    try {
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf;
    } catch (java.security.GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build a trust store: " + e, e);
    }
  }
}
