package dev.granary.wire.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

/** Which TLS implementation a process runs on, from {@code -Dgranary.tls.provider}. */
class TlsContextsTest {
  @Test
  void autoPrefersBoringSslWhereItLoads() {
    assertEquals(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK,
        TlsContexts.choose("auto"));
    assertEquals(TlsContexts.choose("auto"), TlsContexts.provider());
  }

  @Test
  void theProviderIsDescribedForTheStartLine() {
    String d = TlsContexts.describeProvider();
    if (TlsContexts.provider() == SslProvider.OPENSSL) {
      assertTrue(d.contains("BoringSSL"), d);
    } else {
      assertTrue(d.startsWith("the JDK's provider"), d);
    }
  }

  @Test
  void theJdkCanBeChosenByName() {
    assertEquals(SslProvider.JDK, TlsContexts.choose("jdk"));
    assertEquals(SslProvider.JDK, TlsContexts.choose("JDK"));
  }

  @Test
  void openSslIsChosenOnlyWhereItLoads() {
    if (OpenSsl.isAvailable()) {
      assertEquals(SslProvider.OPENSSL, TlsContexts.choose("openssl"));
    } else {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> TlsContexts.choose("openssl"));
      assertTrue(e.getMessage().contains("cannot load"), e.getMessage());
    }
  }

  @Test
  void anUnknownNameIsRefusedWithTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TlsContexts.choose("gnutls"));
    assertTrue(e.getMessage().contains("auto, openssl or jdk"), e.getMessage());
  }
}
