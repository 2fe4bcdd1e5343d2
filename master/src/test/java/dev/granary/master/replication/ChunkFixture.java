package dev.granary.master.replication;

import dev.granary.wire.Sha256;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.placement.RoundRobinPlacement;
import dev.granary.master.state.MasterState;
import dev.granary.master.testing.MutableClock;
import dev.granary.master.testing.MutableTicker;
import dev.granary.wire.msg.ChunkCommand;
import dev.granary.wire.msg.CommitChunk;
import dev.granary.wire.msg.PulseRequest;
import dev.granary.wire.msg.RegisterRequest;
import dev.granary.wire.msg.ReplicaInfo;
import dev.granary.wire.msg.ReplicaReportRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The chunk side of a master on an injected clock and ticker, with no network: chunkservers are
 * method calls (register, report, pulse), files are committed as a real client commits them.
 * Tests extend it and drive the {@link Tick} by hand.
 */
abstract class ChunkFixture {
  static final long DIGEST = 77;
  static final long LENGTH = 1000;
  final MutableClock clock = new MutableClock(1_000_000);
  final MutableTicker ticker = new MutableTicker();
  final MasterState state = new MasterState(new MetadataImage());
  final Namespace ns = state.namespace();
  final List<long[]> digestRecords = new ArrayList<>();
  ChunkManager.Settings settings;
  ChunkManager cm;
  ChunkserverProtocol protocol;
  Tick tick;

  /** One copy slot per node. */
  ChunkFixture() {
    this(1);
  }

  ChunkFixture(int maxCopiesPerNode) {
    build(maxCopiesPerNode);
  }

  /** (Re)builds the parts under test with {@code maxCopiesPerNode}, on the same image. */
  final void build(int maxCopiesPerNode) {
    settings = new ChunkManager.Settings(Duration.ofSeconds(1), Duration.ofSeconds(10),
        Duration.ofSeconds(30), 1 << 20, 2, maxCopiesPerNode, Duration.ofSeconds(30),
        Duration.ofMinutes(2), Duration.ofSeconds(30), 10, 64L << 20);
    ChunkParts parts = new ChunkParts("m", settings, state, new RoundRobinPlacement(), ticker,
        (h, l, d) -> {
          digestRecords.add(new long[] {h, l, d});
          ns.setChunkDigest(h, l, d);
        });
    cm = parts.manager();
    protocol = parts.protocol();
    tick = parts.tick();
  }

  /** Registers each node with an empty full report. */
  void register(String... ids) {
    for (String id : ids) {
      protocol.register(new RegisterRequest(id, 7000, 1L << 40, 0, 1L << 40, ""), "10.0.0.1");
      protocol.report(new ReplicaReportRequest(id, true, 0, true, List.of(), List.of()));
    }
  }

  /** A file written as a real client does: allocate, each holder reports, commit. */
  void file(String path, long handle, int goal, String... holders) {
    commit(path, handle, 1, goal, holders);
  }

  /** A file of one chunk of {@code length} bytes (in 64 MiB chunks) on {@code holders}. */
  void file(String path, long handle, long length, int goal, String... holders) {
    cm.allocated("client", handle);
    for (String id : holders) {
      report(id, handle, 1, length, DIGEST);
    }
    ns.commit(path, false, goal, 64 << 20, List.of(new ChunkRecord(handle, 1, length, DIGEST)),
        clock.millis(), Namespace.SYSTEM);
    cm.committed(path, new CommitChunk(handle, 1, length, DIGEST, List.of(holders),
        Sha256.NONE));
  }

  void commit(String path, long handle, long version, int goal, String... holders) {
    cm.allocated("client", handle);
    for (String id : holders) {
      report(id, handle, version, LENGTH, DIGEST);
    }
    committed(path, handle, version, goal, holders);
  }

  /** The commit itself, of replicas already reported. */
  void committed(String path, long handle, long version, int goal, String... holders) {
    ns.commit(path, false, goal, 1 << 20, List.of(new ChunkRecord(handle, version, LENGTH, DIGEST)),
        clock.millis(), Namespace.SYSTEM);
    cm.committed(path, new CommitChunk(handle, version, LENGTH, DIGEST, List.of(holders),
        Sha256.NONE));
  }

  List<ChunkCommand> pulse(String id) {
    return protocol.pulse(new PulseRequest(id, 1L << 40, 0, 1L << 40, 0)).commands();
  }

  void pulseAll(String... ids) {
    for (String id : ids) {
      pulse(id);
    }
  }

  void report(String id, long handle, long version, long length, long digest) {
    protocol.report(new ReplicaReportRequest(id, false, 0, false,
        List.of(new ReplicaInfo(handle, version, length, digest)), List.of()));
  }
}
