package dev.granary.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.granary.client.AlreadyExistsException;
import dev.granary.client.DeniedException;
import dev.granary.client.GranaryClient;
import dev.granary.client.GranaryException;
import dev.granary.client.IntegrityException;
import dev.granary.client.InternalException;
import dev.granary.client.InvalidArgumentException;
import dev.granary.client.NotFoundException;
import dev.granary.client.UnavailableException;
import dev.granary.client.fake.FakeCluster;
import dev.granary.wire.Status;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every wire status maps onto the typed exception of its group (PROTOCOL.md's status table); an
 * unreachable master fails promptly.
 */
class ErrorMappingTest {

  @ParameterizedTest
  @EnumSource(value = Status.class, names = "OK", mode = EnumSource.Mode.EXCLUDE)
  void everyStatusMapsToTheTypeOfItsGroup(Status status) {
    GranaryException e = Errors.fromStatus(status, "/a/b: something", "/a/b", null);
    assertInstanceOf(typeOf(status), e, status.name());
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
          assertInstanceOf(typeOf(s), e, s.name() + ": " + e);
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

  /**
   * The type the library throws for a status: the protocol groups every status under one of the
   * contract's outcomes (the exit-code column of PROTOCOL.md's status table), one type per group.
   */
  private static Class<? extends GranaryException> typeOf(Status s) {
    return switch (s.exitCode()) {
      case 2 -> InvalidArgumentException.class;
      case 3 -> NotFoundException.class;
      case 4 -> UnavailableException.class;
      case 5 -> IntegrityException.class;
      case 6 -> AlreadyExistsException.class;
      case 7 -> DeniedException.class;
      default -> InternalException.class;
    };
  }
}
