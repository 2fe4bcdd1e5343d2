package dev.granary.config;

import static dev.granary.config.Sizes.GIB;
import static dev.granary.config.Sizes.KIB;
import static dev.granary.config.Sizes.MIB;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The master's keys, defaults and rules; {@link MasterConfig} is built from them. */
final class MasterSchema {
  static final String SECTION = "master";
  private static final long CHUNK_UNIT = 64 * KIB;

  static final Key<String> HOST = Key.host(SECTION, "host", "0.0.0.0")
      .describe(Key.BIND_ADDRESS);
  static final Key<Integer> PORT = Key.port(SECTION, "port", 7070)
      .describe(Key.SERVER_PORT);
  static final Key<Path> DATA_DIR = Key.path(SECTION, "dataDir", Path.of("data", "master"))
      .label("DIR")
      .describe("Directory of the operation log and checkpoints");
  static final Key<Long> CHUNK_SIZE =
      Key.size(
          SECTION,
          "chunkSize",
          64 * MIB,
          size -> size >= CHUNK_UNIT && size <= GIB && size % CHUNK_UNIT == 0,
          "a multiple of 64KiB between 64KiB and 1GiB")
      .describe("Bytes per chunk, a multiple of 64KiB between 64KiB and 1GiB");
  static final Key<Integer> REPLICATION = Key.integer(SECTION, "replication", 3, 1, 16)
      .describe("Replicas wanted of every chunk (the replication goal), 1 to 16");
  static final Key<Integer> MIN_REPLICAS = Key.integer(SECTION, "minReplicas", 2, 1, 16)
      .describe("Replicas a write needs before it succeeds, 1 to replication");
  static final Key<Duration> PULSE_INTERVAL =
      Key.duration(SECTION, "pulseInterval", Duration.ofSeconds(1), Duration.ofMillis(10))
          .describe("How often chunkservers report to the master, at least 10ms");
  static final Key<Duration> DEAD_AFTER =
      Key.duration(
          SECTION,
          "deadAfter",
          Duration.ofSeconds(10),
          duration -> !duration.isNegative(),
          "a duration longer than pulseInterval")
      .describe("A chunkserver silent this long is DEAD; longer than pulseInterval");
  static final Key<Duration> GC_INTERVAL =
      Key.duration(SECTION, "gcInterval", Duration.ofSeconds(30), Duration.ofMillis(100))
          .describe("How often replicas of deleted files are collected, at least 100ms");
  static final Key<String> PLACEMENT =
      Key.oneOf(SECTION, "placement", MasterConfig.ROUND_ROBIN, MasterConfig.PLACEMENTS)
          .label("POLICY")
          .describe("Where new replicas go: round-robin spreads them over chunkservers in turn,"
              + " most-free-space prefers the emptiest");
  static final Key<Long> CHECKPOINT_OPS = Key.atLeast(SECTION, "checkpointOps", 100_000, 1)
      .describe("Operations logged between checkpoints, at least 1");
  static final Key<Integer> MAX_COPIES_PER_NODE =
      Key.integer(SECTION, "maxCopiesPerNode", 32, 1, 1024)
          .describe("Re-replication copies handed to a chunkserver at once, as source or target"
              + " (it runs fewer while clients use it), 1 to 1024");
  static final Key<Integer> MAX_CONNECTIONS =
      Key.integer(SECTION, "maxConnections", 4096, 1, 1_000_000)
          .describe(Key.MAX_CONNECTIONS);
  static final Key<Duration> LEASE_TIMEOUT =
      // A writer survives a minute-long stall (a long GC pause, a master restart, a network blip)
      // with renewals to spare, and a dead writer's space comes back within minutes (HDFS's soft
      // limit is 1 minute; GFS's leases 60 s).
      Key.duration(SECTION, "leaseTimeout", Duration.ofMinutes(2),
          Duration.ofSeconds(1))
          .describe("An upload's unrenewed lease lasts this long (at least 1s); then its"
              + " uncommitted chunks are collected");
  static final Key<String> SECURITY =
      Key.oneOf(SECTION, "security", MasterConfig.TLS, MasterConfig.SECURITY_MODES)
          .label("MODE")
          .describe("tls (TLS on every connection, certificates, users, permissions, chunk"
              + " tokens) or none (a trusted lab network: no identities)");
  static final Key<Integer> BALANCE_THRESHOLD =
      Key.integer(SECTION, "balanceThreshold", 10, 1, 100)
          .label("PCT")
          .describe("Percentage points a chunkserver's used fraction may differ from the"
              + " cluster's before replicas are moved to even it out, 1 to 100");
  static final Key<Long> BALANCE_BANDWIDTH =
      Key.size(SECTION, "balanceBandwidth", 64 * MIB, b -> b >= 1, "a size of at least 1")
          .describe("Bytes per second each chunkserver moves for balancing");
  static final Key<Boolean> DEDUP = Key.bool(SECTION, "dedup", false)
      .describe("Store a new chunk whose content (SHA-256) one of the same owner's chunks already"
          + " has as a reference to it instead of again; never across owners");
  static final Key<Integer> HTTP_PORT = Key.port(SECTION, "httpPort", 7080)
      .describe("HTTP(S) port of the cluster's metrics (/metrics), REST API (/api/v1) and"
          + " dashboard (/), HTTPS when security is tls; 0 is off");

  static final Relation<Integer> MIN_REPLICAS_AT_MOST_REPLICATION =
      new Relation<>(
          MIN_REPLICAS,
          REPLICATION,
          false,
          true,
          "an integer between 1 and replication (%s)",
          "an integer between minReplicas (%s) and 16");
  static final Relation<Duration> PULSE_INTERVAL_BELOW_DEAD_AFTER =
      new Relation<>(
          PULSE_INTERVAL,
          DEAD_AFTER,
          true,
          false,
          "a duration of at least 10ms and shorter than deadAfter (%s)",
          "a duration longer than pulseInterval (%s)");

  static final Schema<MasterConfig> SCHEMA =
      new Schema<>(
          SECTION,
          MasterConfig.class,
          List.of(
              HOST,
              PORT,
              DATA_DIR,
              CHUNK_SIZE,
              REPLICATION,
              MIN_REPLICAS,
              PULSE_INTERVAL,
              DEAD_AFTER,
              GC_INTERVAL,
              PLACEMENT,
              CHECKPOINT_OPS,
              MAX_COPIES_PER_NODE,
              MAX_CONNECTIONS,
              LEASE_TIMEOUT,
              SECURITY,
              BALANCE_THRESHOLD,
              BALANCE_BANDWIDTH,
              HTTP_PORT,
              DEDUP),
          List.of(MIN_REPLICAS_AT_MOST_REPLICATION, PULSE_INTERVAL_BELOW_DEAD_AFTER),
          values ->
              new MasterConfig(
                  values.get(HOST),
                  values.get(PORT),
                  values.get(DATA_DIR),
                  values.get(CHUNK_SIZE),
                  values.get(REPLICATION),
                  values.get(MIN_REPLICAS),
                  values.get(PULSE_INTERVAL),
                  values.get(DEAD_AFTER),
                  values.get(GC_INTERVAL),
                  values.get(PLACEMENT),
                  values.get(CHECKPOINT_OPS),
                  values.get(MAX_COPIES_PER_NODE),
                  values.get(MAX_CONNECTIONS),
                  values.get(LEASE_TIMEOUT),
                  values.get(SECURITY),
                  values.get(BALANCE_THRESHOLD),
                  values.get(BALANCE_BANDWIDTH),
                  values.get(HTTP_PORT),
                  values.get(DEDUP)));

  private MasterSchema() {}
}
