package dev.granary.wire.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS 1.3 contexts of a cluster, on BoringSSL or the JDK's provider ({@link #provider()}). Servers present their node certificate
 * with the authority's behind it and ask for, but do not require, a client certificate: other nodes
 * present theirs (and are known by it), clients have none and authenticate with a user token.
 * Everyone trusts only the cluster's authority; there is no host name check, because what a peer
 * is (master, chunkserver) and which node it is comes from its certificate ({@link NodeCertificate}),
 * checked against what the peer says in its HELLO.
 */
public final class TlsContexts {
  private static final String[] PROTOCOLS = {"TLSv1.3"};

  /**
   * System property naming the TLS implementation: {@code auto} (the default: BoringSSL when its
   * native library loads here, else the JDK's), {@code openssl} or {@code jdk}.
   */
  public static final String PROVIDER_PROPERTY = "granary.tls.provider";

  /** Which TLS implementation every context of this process uses; see {@link #provider()}. */
  private static final class Chosen {
    static final SslProvider PROVIDER = choose(System.getProperty(PROVIDER_PROPERTY, "auto"));
  }

  private TlsContexts() {}

  /**
   * The TLS implementation in use. BoringSSL (netty-tcnative, whose native library ships inside its
   * jar for Linux, macOS and Windows on x86-64 and ARM) encrypts and decrypts AES-128-GCM records
   * 2.3 times as fast as the JDK 17 provider on the machine we measure on (2.7 against 1.2 GB/s
   * wrap plus unwrap on one core), and every byte a chunkserver serves crosses it twice. Where the
   * native library cannot load, the JDK's provider does the same job, slower.
   */
  public static SslProvider provider() {
    return Chosen.PROVIDER;
  }

  /** The implementation in words, for a server's start line: which, and why not BoringSSL. */
  public static String describeProvider() {
    if (Chosen.PROVIDER == SslProvider.OPENSSL) {
      return OpenSsl.versionString() + " (netty-tcnative)";
    }
    Throwable why = OpenSsl.unavailabilityCause();
    return "the JDK's provider" + (why == null ? "" : " (BoringSSL cannot load here: " + why + ")");
  }

  /**
   * What is wrong with {@code -Dgranary.tls.provider} in this process, in one line, or null: for a
   * command line to refuse a typo before anything opens a connection.
   */
  public static String providerPropertyError() {
    try {
      choose(System.getProperty(PROVIDER_PROPERTY, "auto"));
      return null;
    } catch (IllegalArgumentException | IllegalStateException e) {
      return e.getMessage();
    }
  }

  static SslProvider choose(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "jdk" -> SslProvider.JDK;
      case "openssl" -> {
        if (!OpenSsl.isAvailable()) {
          throw new IllegalStateException(PROVIDER_PROPERTY + "=openssl, but BoringSSL cannot"
              + " load here: " + OpenSsl.unavailabilityCause());
        }
        yield SslProvider.OPENSSL;
      }
      case "auto" -> OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL)
          ? SslProvider.OPENSSL : SslProvider.JDK;
      default -> throw new IllegalArgumentException(PROVIDER_PROPERTY + " must be auto, openssl"
          + " or jdk, not '" + name + "'");
    };
  }

  /** A server's context: presents {@code keys}, trusts the authority, asks for certificates. */
  public static SslContext server(NodeKeys keys) {
    try {
      return SslContextBuilder.forServer(keys.key(), keys.certificate(), keys.ca())
          .sslProvider(Chosen.PROVIDER)
          .protocols(PROTOCOLS)
          .trustManager(new ClusterTrust(keys.ca()))
          .clientAuth(ClientAuth.OPTIONAL)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS server context: " + e, e);
    }
  }

  /**
   * An HTTPS server's context: presents {@code keys} (with the authority behind it) and asks for no
   * client certificate: browsers and scrapers have none, and the API checks a bearer token.
   */
  public static SslContext https(NodeKeys keys) {
    try {
      return SslContextBuilder.forServer(keys.key(), keys.certificate(), keys.ca())
          .sslProvider(Chosen.PROVIDER)
          .protocols(PROTOCOLS)
          .clientAuth(ClientAuth.NONE)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the HTTPS server context: " + e, e);
    }
  }

  /** A node's client context: presents {@code keys} and trusts the authority. */
  public static SslContext node(NodeKeys keys) {
    try {
      return SslContextBuilder.forClient()
          .sslProvider(Chosen.PROVIDER)
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
          .sslProvider(Chosen.PROVIDER)
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
          .sslProvider(Chosen.PROVIDER)
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
