package dev.granary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Flags, precedence, the environment and cross-key rules. File syntax is in ConfigFileTest. */
class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void noFileAndNoFlagsGiveTheDefaults() {
    assertEquals(MasterConfig.defaults(), ConfigLoader.loadMaster(null, Map.of()));
    assertEquals(ChunkserverConfig.defaults(), ConfigLoader.loadChunkserver(null, Map.of()));
    assertEquals(ClientConfig.defaults(), ConfigLoader.loadClient(null, Map.of(), Map.of()));
  }

  @Test
  void flagsSetEveryMasterKey() {
    MasterConfig config =
        ConfigLoader.loadMaster(
            null,
            Map.ofEntries(
                Map.entry("host", "127.0.0.1"),
                Map.entry("port", "0"),
                Map.entry("dataDir", "/var/lib/granary/master"),
                Map.entry("chunkSize", "1MiB"),
                Map.entry("replication", "5"),
                Map.entry("minReplicas", "3"),
                Map.entry("pulseInterval", "250ms"),
                Map.entry("deadAfter", "1.5s"),
                Map.entry("gcInterval", "1m"),
                Map.entry("placement", "most-free-space"),
                Map.entry("checkpointOps", "500"),
                Map.entry("maxCopiesPerNode", "8"),
                Map.entry("maxConnections", "100"),
                Map.entry("leaseTimeout", "3s"),
                Map.entry("httpPort", "0")));
    assertEquals(
        new MasterConfig(
            "127.0.0.1", 0, Path.of("/var/lib/granary/master"), 1L << 20, 5, 3,
            Duration.ofMillis(250), Duration.ofMillis(1500), Duration.ofMinutes(1),
            "most-free-space", 500, 8, 100, Duration.ofSeconds(3)),
        config);
  }

  @Test
  void flagsSetEveryChunkserverKey() {
    ChunkserverConfig config =
        ConfigLoader.loadChunkserver(
            null,
            Map.ofEntries(
                Map.entry("host", "10.0.0.5"),
                Map.entry("port", "7171"),
                Map.entry("master", "10.0.0.1:7000"),
                Map.entry("dataDir", "cs1"),
                Map.entry("capacity", "10GiB"),
                Map.entry("scrubInterval", "6h"),
                Map.entry("scrubRate", "10MB"),
                Map.entry("maxTransfers", "128"),
                Map.entry("idleTimeout", "2m"),
                Map.entry("maxConnections", "20000"),
                Map.entry("httpPort", "9100")));
    assertEquals(
        new ChunkserverConfig(
            "10.0.0.5", 7171, new HostPort("10.0.0.1", 7000), Path.of("cs1"), 10L << 30,
            Duration.ofHours(6), 10_000_000, 128, Duration.ofMinutes(2), 20_000)
            .withHttpPort(9100),
        config);
  }

  @Test
  void flagsSetEveryClientKey() {
    ClientConfig config =
        ConfigLoader.loadClient(
            null,
            Map.of("master", "[::1]:7070", "cacheSize", "0", "parallelism", "16", "timeout", "5s"),
            Map.of());
    assertEquals(
        new ClientConfig(new HostPort("::1", 7070), 0, 16, Duration.ofSeconds(5)), config);
  }

  @ParameterizedTest(name = "--{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "port             | -1      | invalid --port \"-1\": expected an integer between 0 and 65535",
        "port             | 65536   | invalid --port \"65536\": expected an integer between 0 and"
            + " 65535",
        "port             | 7070.0  | invalid --port \"7070.0\": expected an integer between 0 and"
            + " 65535",
        "port             | 9999999999999999999 | invalid --port \"9999999999999999999\": expected"
            + " an integer between 0 and 65535",
        "port             | 99999999999999999999 | invalid --port \"99999999999999999999\":"
            + " expected an integer between 0 and 65535",
        "port             | ''      | --port has no value; expected an integer between 0 and 65535",
        "host             | a b     | invalid --host \"a b\": expected a host name or IP address"
            + " (letters, digits and . _ : % -)",
        "host             | '  '    | --host has no value; expected a host name or IP address to"
            + " bind to, e.g. 0.0.0.0",
        "dataDir          | ''      | --data-dir has no value; expected a non-empty path",
        "chunkSize        | 32KiB   | invalid --chunk-size \"32KiB\": expected a multiple of 64KiB"
            + " between 64KiB and 1GiB",
        "chunkSize        | 100KiB  | invalid --chunk-size \"100KiB\": expected a multiple of 64KiB"
            + " between 64KiB and 1GiB",
        "chunkSize        | 1088MiB | invalid --chunk-size \"1088MiB\": expected a multiple of"
            + " 64KiB between 64KiB and 1GiB",
        "chunkSize        | 64MB    | invalid --chunk-size \"64MB\": expected a multiple of 64KiB"
            + " between 64KiB and 1GiB",
        "chunkSize        | 64mb    | invalid --chunk-size \"64mb\": unknown unit \"mb\" — did you"
            + " mean MB?",
        "replication      | 0       | invalid --replication \"0\": expected an integer between 1"
            + " and 16",
        "replication      | 17      | invalid --replication \"17\": expected an integer between 1"
            + " and 16",
        "minReplicas      | 0       | invalid --min-replicas \"0\": expected an integer between 1"
            + " and 16",
        "minReplicas      | 4       | invalid --min-replicas \"4\": expected an integer between 1"
            + " and replication (3)",
        "pulseInterval    | 9ms     | invalid --pulse-interval \"9ms\": expected a duration of at"
            + " least 10ms",
        "pulseInterval    | 10s     | invalid --pulse-interval \"10s\": expected a duration of at"
            + " least 10ms and shorter than deadAfter (10s)",
        "pulseInterval    | 1       | invalid --pulse-interval \"1\": a unit is required; expected"
            + " one of ms, s, m, h, d after the number, e.g. 1s",
        "deadAfter        | 1s      | invalid --dead-after \"1s\": expected a duration longer than"
            + " pulseInterval (1s)",
        "deadAfter        | 0s      | invalid --dead-after \"0s\": expected a duration longer than"
            + " pulseInterval (1s)",
        "gcInterval       | 99ms    | invalid --gc-interval \"99ms\": expected a duration of at"
            + " least 100ms",
        "placement        | random  | invalid --placement \"random\": expected one of round-robin,"
            + " most-free-space",
        "placement        | round_robin | invalid --placement \"round_robin\": expected one of"
            + " round-robin, most-free-space — did you mean round-robin?",
        "placement        | Round-Robin | invalid --placement \"Round-Robin\": expected one of"
            + " round-robin, most-free-space — did you mean round-robin?",
        "checkpointOps    | 0       | invalid --checkpoint-ops \"0\": expected an integer of at"
            + " least 1",
        "maxCopiesPerNode | 0       | invalid --max-copies-per-node \"0\": expected an integer"
            + " between 1 and 1024",
        "maxCopiesPerNode | 1025    | invalid --max-copies-per-node \"1025\": expected an"
            + " integer between 1 and 1024",
        "maxConnections   | 0       | invalid --max-connections \"0\": expected an integer"
            + " between 1 and 1000000",
        "maxConnections   | 1000001 | invalid --max-connections \"1000001\": expected an"
            + " integer between 1 and 1000000",
        "leaseTimeout     | 999ms   | invalid --lease-timeout \"999ms\": expected a duration of at"
            + " least 1s",
      })
  void rejectsBadMasterFlags(String key, String value, String message) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.loadMaster(null, Map.of(key, value)));
    assertEquals(message, e.getMessage());
  }

  @ParameterizedTest(name = "--{0} {1}")
  @CsvSource({
    "port, 0",
    "port, 65535",
    "host, ::",
    "chunkSize, 64KiB",
    "chunkSize, 1GiB",
    "chunkSize, 128KiB",
    "replication, 16",
    "minReplicas, 1",
    "pulseInterval, 10ms",
    "deadAfter, 1001ms",
    "gcInterval, 100ms",
    "placement, most-free-space",
    "checkpointOps, 1",
    "checkpointOps, 9223372036854775807",
    "maxCopiesPerNode, 1",
    "maxCopiesPerNode, 1024",
    "maxConnections, 1",
    "maxConnections, 1000000",
    "leaseTimeout, 1s",
  })
  void acceptsMasterBoundaryValues(String key, String value) {
    MasterConfig config = ConfigLoader.loadMaster(null, Map.of(key, value));
    assertEquals(
        value,
        switch (key) {
          case "port" -> String.valueOf(config.port());
          case "host" -> config.host();
          case "chunkSize" -> Sizes.format(config.chunkSize());
          case "replication" -> String.valueOf(config.replication());
          case "minReplicas" -> String.valueOf(config.minReplicas());
          case "pulseInterval" -> Durations.format(config.pulseInterval());
          case "deadAfter" -> config.deadAfter().toMillis() + "ms";
          case "gcInterval" -> Durations.format(config.gcInterval());
          case "placement" -> config.placement();
          case "checkpointOps" -> String.valueOf(config.checkpointOps());
          case "maxConnections" -> String.valueOf(config.maxConnections());
          case "leaseTimeout" -> Durations.format(config.leaseTimeout());
          default -> String.valueOf(config.maxCopiesPerNode());
        });
  }

  @Test
  void replicationAndMinReplicasMayBothChange() {
    MasterConfig config =
        ConfigLoader.loadMaster(null, Map.of("replication", "1", "minReplicas", "1"));
    assertEquals(1, config.replication());
    assertEquals(1, config.minReplicas());
  }

  @ParameterizedTest(name = "--{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "port          | 65536    | invalid --port \"65536\": expected an integer between 0 and"
            + " 65535",
        "master        | nohost   | invalid --master \"nohost\": expected host:port, e.g."
            + " 127.0.0.1:7070 or [::1]:7070",
        "master        | h:0      | invalid --master \"h:0\": expected a port between 1 and 65535"
            + " after the host",
        "capacity      | -1       | invalid --capacity \"-1\": expected a size of 0 or more, not a"
            + " negative one",
        "capacity      | 1.5      | invalid --capacity \"1.5\": expected a whole number of bytes",
        "scrubInterval | 999ms    | invalid --scrub-interval \"999ms\": expected a duration of at"
            + " least 1s",
        "scrubRate     | 1023KiB  | invalid --scrub-rate \"1023KiB\": expected a size of at least"
            + " 1MiB (bytes per second)",
        "scrubRate     | 1MB      | invalid --scrub-rate \"1MB\": expected a size of at least 1MiB"
            + " (bytes per second)",
        "maxTransfers  | 0        | invalid --max-transfers \"0\": expected an integer between 1"
            + " and 4096",
        "maxTransfers  | 4097     | invalid --max-transfers \"4097\": expected an integer between"
            + " 1 and 4096",
        "idleTimeout   | 999ms    | invalid --idle-timeout \"999ms\": expected a duration of at"
            + " least 1s",
        "maxConnections | 0       | invalid --max-connections \"0\": expected an integer"
            + " between 1 and 1000000",
        "maxConnections | 4k      | invalid --max-connections \"4k\": expected an integer"
            + " between 1 and 1000000",
        "dataDir       | ''       | --data-dir has no value; expected a non-empty path",
      })
  void rejectsBadChunkserverFlags(String key, String value, String message) {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ConfigLoader.loadChunkserver(null, Map.of(key, value)));
    assertEquals(message, e.getMessage());
  }

  @Test
  void acceptsChunkserverBoundaryValues() {
    ChunkserverConfig config =
        ConfigLoader.loadChunkserver(
            null,
            Map.of(
                "capacity", "0",
                "scrubInterval", "1s",
                "scrubRate", "1MiB",
                "maxTransfers", "4096",
                "idleTimeout", "1s",
                "master", "h:65535"));
    assertEquals(0, config.capacity());
    assertEquals(Duration.ofSeconds(1), config.scrubInterval());
    assertEquals(1L << 20, config.scrubRate());
    assertEquals(4096, config.maxTransfers());
    assertEquals(Duration.ofSeconds(1), config.idleTimeout());
    assertEquals(new HostPort("h", 65535), config.master());
    assertEquals(
        1, ConfigLoader.loadChunkserver(null, Map.of("maxTransfers", "1")).maxTransfers());
    assertEquals(1,
        ConfigLoader.loadChunkserver(null, Map.of("maxConnections", "1")).maxConnections());
    assertEquals(1_000_000,
        ConfigLoader.loadChunkserver(null, Map.of("maxConnections", "1000000")).maxConnections());
  }

  @ParameterizedTest(name = "--{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "cacheSize   | -1MiB | invalid --cache-size \"-1MiB\": expected a size of 0 or more, not a"
            + " negative one",
        "parallelism | 0     | invalid --parallelism \"0\": expected an integer between 1 and 64",
        "parallelism | 65    | invalid --parallelism \"65\": expected an integer between 1 and 64",
        "timeout     | 99ms  | invalid --timeout \"99ms\": expected a duration of at least 100ms",
        "timeout     | 30    | invalid --timeout \"30\": a unit is required; expected one of ms, s,"
            + " m, h, d after the number, e.g. 30s",
        "master      | [::1] | invalid --master \"[::1]\": expected [IPv6 address]:port, e.g."
            + " [::1]:7070",
      })
  void rejectsBadClientFlags(String key, String value, String message) {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> ConfigLoader.loadClient(null, Map.of(key, value), Map.of()));
    assertEquals(message, e.getMessage());
  }

  @Test
  void acceptsClientBoundaryValues() {
    ClientConfig config =
        ConfigLoader.loadClient(
            null, Map.of("cacheSize", "0", "parallelism", "64", "timeout", "100ms"), Map.of());
    assertEquals(0, config.cacheSize());
    assertEquals(64, config.parallelism());
    assertEquals(Duration.ofMillis(100), config.timeout());
    assertEquals(
        1, ConfigLoader.loadClient(null, Map.of("parallelism", "1"), Map.of()).parallelism());
  }

  @Test
  void dedupIsTrueOrFalse() {
    assertTrue(ConfigLoader.loadMaster(null, Map.of("dedup", "true")).dedup());
    assertFalse(ConfigLoader.loadMaster(null, Map.of()).dedup());
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.loadMaster(null, Map.of("dedup", "yes")));
    assertTrue(e.getMessage().contains("--dedup") && e.getMessage().contains("true or false"),
        e.getMessage());
  }

  @Test
  void unknownFlagsGetASuggestionOrTheList() {
    assertEquals(
        "unknown flag --chunksize — did you mean --chunk-size?",
        assertThrows(
                ConfigException.class,
                () -> ConfigLoader.loadMaster(null, Map.of("chunksize", "64MiB")))
            .getMessage());
    assertEquals(
        "unknown flag --replicaton — did you mean --replication?",
        assertThrows(
                ConfigException.class,
                () -> ConfigLoader.loadMaster(null, Map.of("replicaton", "3")))
            .getMessage());
    assertEquals(
        "unknown flag --chunk-size; expected one of --master, --cache-size, --parallelism,"
            + " --timeout, --credentials, --key-file",
        assertThrows(
                ConfigException.class,
                () -> ConfigLoader.loadClient(null, Map.of("chunkSize", "64MiB"), Map.of()))
            .getMessage());
    assertEquals(
        "unknown flag --capacity; expected one of --host, --port, --data-dir, --chunk-size,"
            + " --replication, --min-replicas, --pulse-interval, --dead-after, --gc-interval,"
            + " --placement, --checkpoint-ops, --max-copies-per-node, --max-connections,"
            + " --lease-timeout, --security, --balance-threshold, --balance-bandwidth,"
            + " --http-port, --dedup",
        assertThrows(
                ConfigException.class,
                () -> ConfigLoader.loadMaster(null, Map.of("capacity", "1GiB")))
            .getMessage());
  }

  @Test
  void precedenceIsDefaultThenFileThenFlag() throws IOException {
    Path file =
        write("granary.yaml", "master:\n  port: 8000\n  chunkSize: 1MiB\n  replication: 5\n");
    MasterConfig fromFile = ConfigLoader.loadMaster(file, Map.of());
    assertEquals(8000, fromFile.port());
    assertEquals(1L << 20, fromFile.chunkSize());
    assertEquals(5, fromFile.replication());
    assertEquals(Duration.ofSeconds(1), fromFile.pulseInterval());

    MasterConfig withFlags =
        ConfigLoader.loadMaster(file, Map.of("port", "9000", "pulseInterval", "500ms"));
    assertEquals(9000, withFlags.port());
    assertEquals(1L << 20, withFlags.chunkSize());
    assertEquals(5, withFlags.replication());
    assertEquals(Duration.ofMillis(500), withFlags.pulseInterval());
    assertEquals(Duration.ofSeconds(10), withFlags.deadAfter());
  }

  @Test
  void chunkserverPrecedenceIsDefaultThenFileThenFlag() throws IOException {
    Path file = write("cs.yaml", "chunkserver:\n  master: 10.0.0.1:7070\n  capacity: 1GiB\n");
    ChunkserverConfig fromFile = ConfigLoader.loadChunkserver(file, Map.of());
    assertEquals(new HostPort("10.0.0.1", 7070), fromFile.master());
    assertEquals(1L << 30, fromFile.capacity());
    ChunkserverConfig withFlag =
        ConfigLoader.loadChunkserver(file, Map.of("master", "10.0.0.2:7070"));
    assertEquals(new HostPort("10.0.0.2", 7070), withFlag.master());
    assertEquals(1L << 30, withFlag.capacity());
  }

  @Test
  void clientMasterIsFlagThenEnvironmentThenFileThenDefault() throws IOException {
    Path file = write("client.yaml", "client:\n  master: file-host:7070\n");
    Map<String, String> env = Map.of("GRANARY_MASTER", "env-host:7070");
    Map<String, String> flag = Map.of("master", "flag-host:7070");

    assertEquals(
        new HostPort("flag-host", 7070), ConfigLoader.loadClient(file, flag, env).master());
    assertEquals(
        new HostPort("env-host", 7070), ConfigLoader.loadClient(file, Map.of(), env).master());
    assertEquals(
        new HostPort("env-host", 7070), ConfigLoader.loadClient(null, Map.of(), env).master());
    assertEquals(
        new HostPort("file-host", 7070),
        ConfigLoader.loadClient(file, Map.of(), Map.of()).master());
    assertEquals(
        new HostPort("127.0.0.1", 7070),
        ConfigLoader.loadClient(null, Map.of(), Map.of()).master());
    assertEquals(
        new HostPort("flag-host", 7070), ConfigLoader.loadClient(null, flag, env).master());
  }

  @Test
  void blankEnvironmentVariableIsIgnored() {
    assertEquals(
        new HostPort("127.0.0.1", 7070),
        ConfigLoader.loadClient(null, Map.of(), Map.of("GRANARY_MASTER", "")).master());
    assertEquals(
        new HostPort("127.0.0.1", 7070),
        ConfigLoader.loadClient(null, Map.of(), Map.of("GRANARY_MASTER", "  ")).master());
  }

  @Test
  void badEnvironmentValueIsNamedByTheVariable() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.loadClient(null, Map.of(), Map.of("GRANARY_MASTER", "nohost")));
    assertEquals(
        "invalid GRANARY_MASTER \"nohost\": expected host:port, e.g. 127.0.0.1:7070 or"
            + " [::1]:7070",
        e.getMessage());
  }

  @Test
  void environmentDoesNotAffectServers() {
    assertEquals(MasterConfig.defaults(), ConfigLoader.loadMaster(null, Map.of()));
    assertEquals(
        new HostPort("127.0.0.1", 7070), ConfigLoader.loadChunkserver(null, Map.of()).master());
  }

  @Test
  void crossKeyRuleBlamesTheMostSpecificSource() throws IOException {
    // replication from a flag, minReplicas from the file: the flag is the recent choice.
    Path file = write("rel.yaml", "master:\n  minReplicas: 3\n");
    assertEquals(
        "invalid --replication \"2\": expected an integer between minReplicas (3) and 16",
        assertThrows(
                ConfigException.class,
                () -> ConfigLoader.loadMaster(file, Map.of("replication", "2")))
            .getMessage());
    // minReplicas from the file, replication at its default: the file is blamed.
    Path high = write("high.yaml", "master:\n  minReplicas: 4\n");
    assertEquals(
        "config " + high + ": invalid master.minReplicas \"4\": expected an integer between 1 and"
            + " replication (3)",
        assertThrows(ConfigException.class, () -> ConfigLoader.loadMaster(high, Map.of()))
            .getMessage());
    // Both from the file: the dependent key is blamed.
    Path both = write("both.yaml", "master:\n  pulseInterval: 5s\n  deadAfter: 5s\n");
    assertEquals(
        "config " + both + ": invalid master.deadAfter \"5s\": expected a duration longer than"
            + " pulseInterval (5s)",
        assertThrows(ConfigException.class, () -> ConfigLoader.loadMaster(both, Map.of()))
            .getMessage());
    // A flag fixes what the file broke.
    assertEquals(
        Duration.ofSeconds(6),
        ConfigLoader.loadMaster(both, Map.of("deadAfter", "6s")).deadAfter());
  }

  @Test
  void fileValuesAreValidatedEvenWhenAFlagOverridesThem() throws IOException {
    Path file = write("bad.yaml", "master:\n  port: seventy\n");
    assertEquals(
        "config " + file + ": invalid master.port \"seventy\": expected an integer between 0 and"
            + " 65535",
        assertThrows(
                ConfigException.class, () -> ConfigLoader.loadMaster(file, Map.of("port", "1")))
            .getMessage());
  }

  @Test
  void nullArgumentsOtherThanTheFileAreProgrammingErrors() {
    assertThrows(NullPointerException.class, () -> ConfigLoader.loadMaster(null, null));
    assertThrows(
        NullPointerException.class, () -> ConfigLoader.loadClient(null, Map.of(), null));
  }

  private Path write(String name, String yaml) throws IOException {
    return Files.writeString(dir.resolve(name), yaml);
  }

  @Test
  void joinTokenComesFromFlagOrEnvironmentAndIsNeverEchoed() {
    String token = "gr1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.s3cr3t";
    assertEquals(token, ConfigLoader.loadChunkserver(null, Map.of(),
        Map.of("GRANARY_JOIN_TOKEN", token)).joinToken());
    assertEquals(token, ConfigLoader.loadChunkserver(null, Map.of("joinToken", token),
        Map.of("GRANARY_JOIN_TOKEN", "gr1.B.other")).joinToken());
    assertEquals("", ConfigLoader.loadChunkserver(null, Map.of(), Map.of()).joinToken());
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.loadChunkserver(null, Map.of("joinToken", "s3cr3t"), Map.of()));
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    assertTrue(e.getMessage().contains("--join-token"), e.getMessage());
    assertFalse(ConfigLoader.loadChunkserver(null, Map.of("joinToken", token), Map.of())
        .toString().contains("s3cr3t"));
  }
}
