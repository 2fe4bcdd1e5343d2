package dev.granary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigKeysTest {

  @ParameterizedTest(name = "{0} <-> {1}")
  @CsvSource({
    "chunkSize, --chunk-size",
    "port, --port",
    "dataDir, --data-dir",
    "maxCopiesPerNode, --max-copies-per-node",
    "maxConnections, --max-connections",
    "minReplicas, --min-replicas",
    "deadAfter, --dead-after",
    "httpPort, --http-port",
    "ipv6Only, --ipv6-only",
  })
  void mapsKeysToFlagsAndBack(String key, String flag) {
    assertEquals(flag, ConfigKeys.toFlag(key));
    assertEquals(key, ConfigKeys.fromFlag(flag));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "ChunkSize", "chunk-size", "chunk_size", "1port", "chunk size"})
  void rejectsNonCamelCaseKeys(String key) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigKeys.toFlag(key));
    assertEquals(
        "invalid key " + Messages.quote(key) + ": expected a camelCase name such as chunkSize",
        e.getMessage());
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "chunk-size", "-chunk-size", "--Chunk-Size", "--chunk--size",
      "--chunk-size-", "--"})
  void rejectsNonKebabCaseFlags(String flag) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigKeys.fromFlag(flag));
    assertEquals(
        "invalid flag " + Messages.quote(flag)
            + ": expected a kebab-case flag such as --chunk-size",
        e.getMessage());
  }

  @Test
  void listsEverySectionAndKeyInDocumentedOrder() {
    assertEquals(List.of("master", "chunkserver", "client"), ConfigKeys.sections());
    assertEquals(
        List.of("host", "port", "dataDir", "chunkSize", "replication", "minReplicas",
            "pulseInterval", "deadAfter", "gcInterval", "placement", "checkpointOps",
            "maxCopiesPerNode", "maxConnections", "leaseTimeout", "security",
            "balanceThreshold", "balanceBandwidth", "httpPort", "dedup"),
        ConfigKeys.masterKeys());
    assertEquals(
        List.of("host", "port", "master", "dataDir", "capacity", "scrubInterval", "scrubRate",
            "maxTransfers", "idleTimeout", "maxConnections", "joinToken", "httpPort"),
        ConfigKeys.chunkserverKeys());
    assertEquals(
        List.of("master", "cacheSize", "parallelism", "timeout", "credentials", "keyFile"),
        ConfigKeys.clientKeys());
    assertEquals("GRANARY_MASTER", ConfigKeys.ENV_MASTER);
  }
}
