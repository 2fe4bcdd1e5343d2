package dev.granary.master;

import dev.granary.master.journal.LogStorage;
import dev.granary.master.journal.MetadataStore;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.net.PeerContext;
import dev.granary.master.placement.RoundRobinPlacement;
import dev.granary.master.replication.ChunkManager;
import dev.granary.master.replication.ChunkParts;
import dev.granary.master.security.Caller;
import dev.granary.master.security.ChunkTokenIssuer;
import dev.granary.master.state.MasterState;
import dev.granary.master.testing.MutableClock;
import dev.granary.master.testing.MutableTicker;
import dev.granary.wire.Role;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.Message;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link MetadataService} over a real operation log in a directory, without chunkservers, for
 * calling the namespace handlers as the dispatcher does (with a {@link PeerContext} per caller).
 * {@link #open} again after {@link #close} replays the log.
 */
final class HandlerFixture {
  /** Tokens are other tests' subject: none issued. */
  static final ChunkTokenIssuer NO_TOKENS =
      ChunkTokenIssuer.forCluster(false, java.time.Clock.systemUTC());
  private static final ChunkManager.Settings SETTINGS = new ChunkManager.Settings(
      Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30), 1 << 20, 1, 1,
      Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofSeconds(30), 10, 64L << 20);

  final MutableClock clock = new MutableClock(1_000_000);
  private final Path dir;
  MetadataStore store;
  MetadataService service;
  ChunkManager chunks;

  HandlerFixture(Path dir) {
    this.dir = dir;
  }

  /** A client connection of {@code caller}. */
  static PeerContext peer(Caller caller) {
    return new PeerContext("127.0.0.1", Role.CLIENT, "", caller);
  }

  /** Opens (or reopens, replaying) the log and builds the service over it. */
  void open() throws IOException {
    MasterState.Opened opened = MasterState.open(lock -> MetadataStore.open(dir, 1_000_000, "t",
        LogStorage.DEFAULT, lock));
    store = opened.store();
    chunks = new ChunkParts("t", SETTINGS, opened.state(), new RoundRobinPlacement(),
        new MutableTicker(), new JournaledDigestLog(store, clock)).manager();
    service = new MetadataService(opened.state(), store, chunks, clock, 3);
  }

  void close() {
    store.close();
  }

  static Message answer(CompletableFuture<? extends Message> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  /** The refusal a call met: thrown at once, failed through its future, or a logged ERROR. */
  static MetadataException refusal(Supplier<CompletableFuture<? extends Message>> call)
      throws Exception {
    try {
      // A refused mutation is logged and answered with an ERROR reply (its retry gets the same).
      if (answer(call.get()) instanceof ErrorReply e) {
        return new MetadataException(e.status(), e.message());
      }
    } catch (MetadataException e) {
      return e;
    } catch (ExecutionException e) {
      return (MetadataException) e.getCause();
    }
    throw new AssertionError("not refused");
  }
}
