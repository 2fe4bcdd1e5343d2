package dev.granary.wire.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts a server whose chain ends in the authority with a given SHA-256 (the hash a join token
 * carries), validating the chain against that authority as any trust store would. Used once per
 * node, to join.
 */
final class PinnedAuthorityTrust implements X509TrustManager {
  private final byte[] caSha256;

  PinnedAuthorityTrust(byte[] caSha256) {
    this.caSha256 = caSha256.clone();
  }

  /** The SHA-256 of a certificate's DER encoding. */
  static byte[] sha256(X509Certificate cert) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    for (X509Certificate c : chain) {
      if (MessageDigest.isEqual(sha256(c), caSha256)) {
        for (TrustManager tm : TlsContexts.trustOnly(c).getTrustManagers()) {
          if (tm instanceof X509TrustManager x) {
            x.checkServerTrusted(chain, authType);
            return;
          }
        }
      }
    }
    throw new CertificateException("the server's certificate is not from the authority the join"
        + " token names (a wrong --master, or a token of another cluster)");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a pinned trust manager verifies servers only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
