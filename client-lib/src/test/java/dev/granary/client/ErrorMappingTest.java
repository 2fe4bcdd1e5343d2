package dev.granary.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.fake.FakeCluster;
import dev.granary.client.internal.Errors;
import dev.granary.wire.Status;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every wire status maps onto the contract's exit code; an unreachable master fails promptly. */
class ErrorMappingTest {

  @ParameterizedTest
  @EnumSource(value = Status.class, names = "OK", mode = EnumSource.Mode.EXCLUDE)
  void everyStatusMapsToItsExitCode(Status status) {
    GranaryException e = Errors.fromStatus(status, "/a/b: something", "/a/b", null);
    assertEquals(status.exitCode(), e.exitCode(), status.name());
    assertEquals("/a/b: something", e.getMessage());
    GranaryException blank = Errors.fromStatus(status, "", "/a/b", null);
    assertTrue(blank.getMessage().startsWith("/a/b: "), blank.getMessage());
  }

  @Test
  void typesOfTheMainStatuses() {
    assertInstanceOf(NotFoundException.class, Errors.fromStatus(Status.NOT_FOUND, "m", "s", null));
    assertInstanceOf(AlreadyExistsException.class,
        Errors.fromStatus(Status.ALREADY_EXISTS, "m", "s", null));
    assertInstanceOf(UnavailableException.class,
        Errors.fromStatus(Status.UNAVAILABLE, "m", "s", null));
    assertInstanceOf(IntegrityException.class,
        Errors.fromStatus(Status.INTEGRITY, "m", "s", null));
    assertInstanceOf(DeniedException.class, Errors.fromStatus(Status.DENIED, "m", "s", null));
    assertInstanceOf(InternalException.class, Errors.fromStatus(Status.INTERNAL, "m", "s", null));
    // An ERROR frame carrying OK is a protocol violation on the server's side: a bug.
    assertInstanceOf(InternalException.class, Errors.fromStatus(Status.OK, "m", "s", null));
    InvalidArgumentException notEmpty = assertInstanceOf(InvalidArgumentException.class,
        Errors.fromStatus(Status.NOT_EMPTY, "m", "s", null));
    assertEquals(InvalidArgumentException.Kind.NOT_EMPTY, notEmpty.kind());
  }

  @Test
  void statusesFromTheMasterArriveTyped() throws Exception {
    try (FakeCluster cluster = new FakeCluster(1)) {
      // Transient statuses are retried until the (short) timeout, then reported as unavailable.
      GranaryClient client = TestData.client(cluster, 0, Duration.ofMillis(200));
      try {
        for (Status s : Status.values()) {
          if (s == Status.OK) {
            continue;
          }
          cluster.master.statErrors.put("/e/" + s, s);
          GranaryException e = assertThrows(GranaryException.class,
              () -> client.stat("/e/" + s));
          assertEquals(s.exitCode(), e.exitCode(), s.name() + ": " + e);
        }
        NotFoundException nf = assertThrows(NotFoundException.class, () -> client.stat("/no"));
        assertEquals("/no: no such file or directory", nf.getMessage());
      } finally {
        client.close();
      }
    }
  }

  @Test
  void masterThatWasNeverReachableFailsWithinTheGrace() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    var config = new dev.granary.config.ClientConfig(
        new dev.granary.config.HostPort("127.0.0.1", port), 0, 4, Duration.ofSeconds(30));
    long start = System.nanoTime();
    try (GranaryClient client = GranaryClient.open(config)) {
      UnavailableException e = assertThrows(UnavailableException.class, () -> client.stat("/"));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(4, e.exitCode());
      assertEquals("master 127.0.0.1:" + port + " unreachable: connection refused",
          e.getMessage());
      assertTrue(ms >= 2_900 && ms < 6_000, "gave up after " + ms + " ms");
    }
  }

  @Test
  void aClosedClientFailsAtOnceInsteadOfRetrying() throws Exception {
    try (FakeCluster cluster = new FakeCluster(1)) {
      GranaryClient client = TestData.client(cluster, 0, Duration.ofSeconds(20));
      client.stat("/");
      client.close();
      long start = System.nanoTime();
      assertThrows(GranaryException.class, () -> client.stat("/"));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 5_000, "gave up after " + ms + " ms");
    }
  }
}
