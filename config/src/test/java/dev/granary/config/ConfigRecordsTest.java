package dev.granary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The records' defaults, constructor validation and effective-config strings. */
class ConfigRecordsTest {
  private static final HostPort LOCAL_MASTER = new HostPort("127.0.0.1", 7070);

  @Test
  void masterDefaultsAreTheDocumentedOnes() {
    MasterConfig config = MasterConfig.defaults();
    assertEquals("0.0.0.0", config.host());
    assertEquals(7070, config.port());
    assertEquals(Path.of("data/master"), config.dataDir());
    assertEquals(64L << 20, config.chunkSize());
    assertEquals(3, config.replication());
    assertEquals(2, config.minReplicas());
    assertEquals(Duration.ofSeconds(1), config.pulseInterval());
    assertEquals(Duration.ofSeconds(10), config.deadAfter());
    assertEquals(Duration.ofSeconds(30), config.gcInterval());
    assertEquals("round-robin", config.placement());
    assertEquals(100_000L, config.checkpointOps());
    assertEquals(32, config.maxCopiesPerNode());
    assertEquals(4096, config.maxConnections());
    assertEquals(7080, config.httpPort());
  }

  @Test
  void chunkserverDefaultsAreTheDocumentedOnes() {
    ChunkserverConfig config = ChunkserverConfig.defaults();
    assertEquals("0.0.0.0", config.host());
    assertEquals(7071, config.port());
    assertEquals(LOCAL_MASTER, config.master());
    assertEquals(Path.of("data/chunkserver"), config.dataDir());
    assertEquals(0L, config.capacity());
    assertEquals(Duration.ofHours(1), config.scrubInterval());
    assertEquals(64L << 20, config.scrubRate());
    assertEquals(64, config.maxTransfers());
    assertEquals(Duration.ofSeconds(60), config.idleTimeout());
    assertEquals(4096, config.maxConnections());
    assertEquals(0, config.httpPort());
  }

  @Test
  void clientDefaultsAreTheDocumentedOnes() {
    ClientConfig config = ClientConfig.defaults();
    assertEquals(LOCAL_MASTER, config.master());
    assertEquals(256L << 20, config.cacheSize());
    assertEquals(4, config.parallelism());
    assertEquals(Duration.ofSeconds(30), config.timeout());
  }

  @Test
  void toStringShowsTheEffectiveConfigReadably() {
    assertEquals(
        "MasterConfig{host=0.0.0.0, port=7070, dataDir=data/master, chunkSize=64MiB,"
            + " replication=3, minReplicas=2, pulseInterval=1s, deadAfter=10s, gcInterval=30s,"
            + " placement=round-robin, checkpointOps=100000, maxCopiesPerNode=32,"
            + " maxConnections=4096, leaseTimeout=2m, security=tls, balanceThreshold=10,"
            + " balanceBandwidth=64MiB, httpPort=7080, dedup=false}",
        MasterConfig.defaults().toString());
    assertEquals(
        "ChunkserverConfig{host=0.0.0.0, port=7071, master=127.0.0.1:7070,"
            + " dataDir=data/chunkserver, capacity=0B, scrubInterval=1h, scrubRate=64MiB,"
            + " maxTransfers=64, idleTimeout=1m, maxConnections=4096, joinToken=none,"
            + " httpPort=0}",
        ChunkserverConfig.defaults().toString());
    assertEquals(
        "ClientConfig{master=127.0.0.1:7070, cacheSize=256MiB, parallelism=4, timeout=30s, "
            + "credentials=none, keyFile=none}",
        ClientConfig.defaults().toString());
  }

  @Test
  void recordsAreValuesAndDefaultsAreStable() {
    assertEquals(MasterConfig.defaults(), MasterConfig.defaults());
    assertEquals(MasterConfig.defaults().hashCode(), MasterConfig.defaults().hashCode());
    assertEquals(ChunkserverConfig.defaults(), ChunkserverConfig.defaults());
    assertEquals(ClientConfig.defaults(), ClientConfig.defaults());
  }

  @Test
  void masterConstructorAcceptsBoundaries() {
    MasterConfig config =
        new MasterConfig(
            "::", 0, Path.of("m"), 1L << 30, 16, 16, Duration.ofMillis(10), Duration.ofMillis(11),
            Duration.ofMillis(100), "most-free-space", 1, 64);
    assertEquals(0, config.port());
    assertEquals(
        64 * 1024L,
        new MasterConfig(
                "h", 65535, Path.of("m"), 64 * 1024L, 1, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(1), "round-robin", 1, 1)
            .chunkSize());
  }

  @Test
  void masterConstructorRejectsEachRuleWithTheKeyValueAndExpectation() {
    assertRejected(
        "invalid master.port \"65536\": expected an integer between 0 and 65535",
        () -> master(b -> b.port = 65536));
    assertRejected(
        "invalid master.port \"-1\": expected an integer between 0 and 65535",
        () -> master(b -> b.port = -1));
    assertRejected(
        "master.host has no value; expected a host name or IP address to bind to, e.g. 0.0.0.0",
        () -> master(b -> b.host = null));
    assertRejected(
        "invalid master.host \"\": expected a host name or IP address to bind to, e.g. 0.0.0.0",
        () -> master(b -> b.host = ""));
    assertRejected(
        "invalid master.dataDir \"\": expected a non-empty path",
        () -> master(b -> b.dataDir = Path.of("")));
    assertRejected(
        "master.dataDir has no value; expected a non-empty path",
        () -> master(b -> b.dataDir = null));
    assertRejected(
        "invalid master.chunkSize \"96KiB\": expected a multiple of 64KiB between 64KiB and 1GiB",
        () -> master(b -> b.chunkSize = 96 * 1024L));
    assertRejected(
        "invalid master.chunkSize \"1088MiB\": expected a multiple of 64KiB between 64KiB and"
            + " 1GiB",
        () -> master(b -> b.chunkSize = (1L << 30) + (64L << 20)));
    assertRejected(
        "invalid master.chunkSize \"0B\": expected a multiple of 64KiB between 64KiB and 1GiB",
        () -> master(b -> b.chunkSize = 0));
    assertRejected(
        "invalid master.replication \"17\": expected an integer between 1 and 16",
        () -> master(b -> b.replication = 17));
    assertRejected(
        "invalid master.minReplicas \"0\": expected an integer between 1 and 16",
        () -> master(b -> b.minReplicas = 0));
    assertRejected(
        "invalid master.minReplicas \"4\": expected an integer between 1 and replication (3)",
        () -> master(b -> b.minReplicas = 4));
    assertRejected(
        "invalid master.pulseInterval \"9ms\": expected a duration of at least 10ms",
        () -> master(b -> b.pulseInterval = Duration.ofMillis(9)));
    assertRejected(
        "invalid master.deadAfter \"1s\": expected a duration longer than pulseInterval (1s)",
        () -> master(b -> b.deadAfter = Duration.ofSeconds(1)));
    assertRejected(
        "invalid master.deadAfter \"-1s\": expected a duration longer than pulseInterval",
        () -> master(b -> b.deadAfter = Duration.ofSeconds(-1)));
    assertRejected(
        "invalid master.gcInterval \"99ms\": expected a duration of at least 100ms",
        () -> master(b -> b.gcInterval = Duration.ofMillis(99)));
    assertRejected(
        "invalid master.placement \"random\": expected one of round-robin, most-free-space",
        () -> master(b -> b.placement = "random"));
    assertRejected(
        "invalid master.checkpointOps \"0\": expected an integer of at least 1",
        () -> master(b -> b.checkpointOps = 0));
    assertRejected(
        "invalid master.maxCopiesPerNode \"1025\": expected an integer between 1 and 1024",
        () -> master(b -> b.maxCopiesPerNode = 1025));
    assertRejected(
        "invalid master.maxConnections \"0\": expected an integer between 1 and 1000000",
        () -> master(b -> b.maxConnections = 0));
  }

  @Test
  void theConstructorOfTheOlderKeysTakesTheDefaultMaxConnectionsAndNoHttp() {
    MasterConfig d = MasterConfig.defaults();
    assertEquals(d.withHttpPort(0), new MasterConfig(d.host(), d.port(), d.dataDir(), d.chunkSize(),
        d.replication(), d.minReplicas(), d.pulseInterval(), d.deadAfter(), d.gcInterval(),
        d.placement(), d.checkpointOps(), d.maxCopiesPerNode()));
    ChunkserverConfig c = ChunkserverConfig.defaults();
    assertEquals(c, new ChunkserverConfig(c.host(), c.port(), c.master(), c.dataDir(),
        c.capacity(), c.scrubInterval(), c.scrubRate(), c.maxTransfers(), c.idleTimeout()));
  }

  @Test
  void chunkserverConstructorRejectsEachRule() {
    assertRejected(
        "invalid chunkserver.port \"70000\": expected an integer between 0 and 65535",
        () -> chunkserver(70000, 0, Duration.ofHours(1), 1L << 20, 1, Duration.ofSeconds(1)));
    assertRejected(
        "invalid chunkserver.capacity \"-1B\": expected a size of 0 or more (0 means the free"
            + " space of the data dir's disk)",
        () -> chunkserver(0, -1, Duration.ofHours(1), 1L << 20, 1, Duration.ofSeconds(1)));
    assertRejected(
        "invalid chunkserver.scrubInterval \"999ms\": expected a duration of at least 1s",
        () -> chunkserver(0, 0, Duration.ofMillis(999), 1L << 20, 1, Duration.ofSeconds(1)));
    assertRejected(
        "invalid chunkserver.scrubRate \"1023KiB\": expected a size of at least 1MiB (bytes per"
            + " second)",
        () -> chunkserver(0, 0, Duration.ofHours(1), 1023 * 1024L, 1, Duration.ofSeconds(1)));
    assertRejected(
        "invalid chunkserver.maxTransfers \"4097\": expected an integer between 1 and 4096",
        () -> chunkserver(0, 0, Duration.ofHours(1), 1L << 20, 4097, Duration.ofSeconds(1)));
    assertRejected(
        "invalid chunkserver.idleTimeout \"999ms\": expected a duration of at least 1s",
        () -> chunkserver(0, 0, Duration.ofHours(1), 1L << 20, 1, Duration.ofMillis(999)));
    assertRejected(
        "invalid chunkserver.maxConnections \"1000001\": expected an integer between 1 and"
            + " 1000000",
        () -> new ChunkserverConfig("0.0.0.0", 0, LOCAL_MASTER, Path.of("d"), 0,
            Duration.ofHours(1), 1L << 20, 1, Duration.ofSeconds(1), 1_000_001));
    assertRejected(
        "chunkserver.master has no value; expected host:port, e.g. 127.0.0.1:7070",
        () ->
            new ChunkserverConfig(
                "0.0.0.0", 0, null, Path.of("d"), 0, Duration.ofHours(1), 1L << 20, 1,
                Duration.ofSeconds(1)));
    assertEquals(
        4096, chunkserver(0, 0, Duration.ofSeconds(1), 1L << 20, 4096, Duration.ofSeconds(1))
            .maxTransfers());
  }

  @Test
  void clientConstructorRejectsEachRule() {
    assertRejected(
        "invalid client.cacheSize \"-1B\": expected a size of 0 or more (0 disables the cache)",
        () -> new ClientConfig(LOCAL_MASTER, -1, 4, Duration.ofSeconds(30)));
    assertRejected(
        "invalid client.parallelism \"0\": expected an integer between 1 and 64",
        () -> new ClientConfig(LOCAL_MASTER, 0, 0, Duration.ofSeconds(30)));
    assertRejected(
        "invalid client.parallelism \"65\": expected an integer between 1 and 64",
        () -> new ClientConfig(LOCAL_MASTER, 0, 65, Duration.ofSeconds(30)));
    assertRejected(
        "invalid client.timeout \"99ms\": expected a duration of at least 100ms",
        () -> new ClientConfig(LOCAL_MASTER, 0, 1, Duration.ofMillis(99)));
    assertRejected(
        "client.timeout has no value; expected a duration of at least 100ms",
        () -> new ClientConfig(LOCAL_MASTER, 0, 1, null));
    assertEquals(0, new ClientConfig(LOCAL_MASTER, 0, 64, Duration.ofMillis(100)).cacheSize());
  }

  private static void assertRejected(String message, Executable construction) {
    assertEquals(message, assertThrows(ConfigException.class, construction).getMessage());
  }

  private static ChunkserverConfig chunkserver(
      int port,
      long capacity,
      Duration scrubInterval,
      long scrubRate,
      int maxTransfers,
      Duration idleTimeout) {
    return new ChunkserverConfig(
        "0.0.0.0", port, LOCAL_MASTER, Path.of("d"), capacity, scrubInterval, scrubRate,
        maxTransfers, idleTimeout);
  }

  /** The master defaults, with one change applied. */
  private static MasterConfig master(java.util.function.Consumer<MasterBuilder> change) {
    MasterBuilder builder = new MasterBuilder();
    change.accept(builder);
    return builder.build();
  }

  /** Mutable stand-in for the record's components, so each test changes exactly one. */
  private static final class MasterBuilder {
    String host = "0.0.0.0";
    int port = 7070;
    Path dataDir = Path.of("data/master");
    long chunkSize = 64L << 20;
    int replication = 3;
    int minReplicas = 2;
    Duration pulseInterval = Duration.ofSeconds(1);
    Duration deadAfter = Duration.ofSeconds(10);
    Duration gcInterval = Duration.ofSeconds(30);
    String placement = "round-robin";
    long checkpointOps = 100_000;
    int maxCopiesPerNode = 2;
    int maxConnections = 4096;
    Duration leaseTimeout = Duration.ofMinutes(2);

    MasterConfig build() {
      return new MasterConfig(
          host, port, dataDir, chunkSize, replication, minReplicas, pulseInterval, deadAfter,
          gcInterval, placement, checkpointOps, maxCopiesPerNode, maxConnections, leaseTimeout);
    }
  }
}
