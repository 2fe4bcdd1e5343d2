package dev.granary.wire.tls;

import java.security.cert.CertificateException;

/** Words for why a TLS handshake failed, whichever provider ran it. */
public final class TlsFailure {
  private TlsFailure() {}

  /**
   * The most telling message in {@code failure}'s causes: a refused certificate's (which names
   * both authorities, see {@link ClusterTrust}) before the provider's own. BoringSSL reports a
   * trust manager's refusal as "General OpenSslEngine problem" with the refusal as its cause.
   */
  public static String reason(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CertificateException && t.getMessage() != null) {
        return t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return failure.getMessage() != null ? failure.getMessage() : failure.toString();
  }
}
