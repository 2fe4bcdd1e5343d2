package dev.granary.config;

import static dev.granary.config.Sizes.GIB;
import static dev.granary.config.Sizes.KIB;
import static dev.granary.config.Sizes.MIB;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The master's keys, defaults and rules; {@link MasterConfig} is built from them. */
final class MasterSchema {
  static final String SECTION = "master";
  private static final long CHUNK_UNIT = 64 * KIB;

  static final Key<String> HOST = Key.host(SECTION, "host", "0.0.0.0");
  static final Key<Integer> PORT = Key.port(SECTION, "port", 7070);
  static final Key<Path> DATA_DIR = Key.path(SECTION, "dataDir", Path.of("data", "master"));
  static final Key<Long> CHUNK_SIZE =
      Key.size(
          SECTION,
          "chunkSize",
          64 * MIB,
          size -> size >= CHUNK_UNIT && size <= GIB && size % CHUNK_UNIT == 0,
          "a multiple of 64KiB between 64KiB and 1GiB");
  static final Key<Integer> REPLICATION = Key.integer(SECTION, "replication", 3, 1, 16);
  static final Key<Integer> MIN_REPLICAS = Key.integer(SECTION, "minReplicas", 2, 1, 16);
  static final Key<Duration> PULSE_INTERVAL =
      Key.duration(SECTION, "pulseInterval", Duration.ofSeconds(1), Duration.ofMillis(10));
  static final Key<Duration> DEAD_AFTER =
      Key.duration(
          SECTION,
          "deadAfter",
          Duration.ofSeconds(10),
          duration -> !duration.isNegative(),
          "a duration longer than pulseInterval");
  static final Key<Duration> GC_INTERVAL =
      Key.duration(SECTION, "gcInterval", Duration.ofSeconds(30), Duration.ofMillis(100));
  static final Key<String> PLACEMENT =
      Key.oneOf(SECTION, "placement", MasterConfig.ROUND_ROBIN, MasterConfig.PLACEMENTS);
  static final Key<Long> CHECKPOINT_OPS = Key.atLeast(SECTION, "checkpointOps", 100_000, 1);
  static final Key<Integer> MAX_COPIES_PER_NODE =
      Key.integer(SECTION, "maxCopiesPerNode", 32, 1, 1024);
  static final Key<Integer> MAX_CONNECTIONS =
      Key.integer(SECTION, "maxConnections", 4096, 1, 1_000_000);
  static final Key<Duration> LEASE_TIMEOUT =
      Key.duration(SECTION, "leaseTimeout", MasterConfig.DEFAULT_LEASE_TIMEOUT,
          Duration.ofSeconds(1));
  /**
   * {@code tls} or {@code none}. The default stays {@code none} while the pieces of security land
   * one by one (certificates, users, permissions, chunk tokens); it becomes {@code tls} when every
   * connection and request of a cluster is covered.
   */
  static final Key<Integer> BALANCE_THRESHOLD =
      Key.integer(SECTION, "balanceThreshold", 10, 1, 100);
  static final Key<Long> BALANCE_BANDWIDTH =
      Key.size(SECTION, "balanceBandwidth", 64 * MIB, b -> b >= 1, "a size of at least 1");
  static final Key<String> SECURITY =
      Key.oneOf(SECTION, "security", MasterConfig.TLS, MasterConfig.SECURITY_MODES);
  /** The HTTP(S) listener (metrics, dashboard, REST); 0 turns it off. */
  static final Key<Integer> HTTP_PORT = Key.port(SECTION, "httpPort", 7080);

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
              HTTP_PORT),
          List.of(MIN_REPLICAS_AT_MOST_REPLICATION, PULSE_INTERVAL_BELOW_DEAD_AFTER),
          Map.of(),
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
                  values.get(HTTP_PORT)));

  private MasterSchema() {}
}
