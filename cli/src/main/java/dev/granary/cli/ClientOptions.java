package dev.granary.cli;

import dev.granary.client.GranaryClient;
import dev.granary.config.ClientConfig;
import dev.granary.config.ConfigKeys;
import dev.granary.config.ConfigLoader;
import picocli.CommandLine.Mixin;

/** Options every client command takes (one per client config key), and the client they configure. */
final class ClientOptions {
  @Mixin
  final KeyOptions keys = new KeyOptions(ConfigKeys.CLIENT_SECTION);

  ClientConfig config() {
    return ConfigLoader.loadClient(null, keys.given(), System.getenv());
  }

  GranaryClient open() {
    return GranaryClient.open(config());
  }
}
