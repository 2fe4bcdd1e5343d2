package dev.granary.cli;

import dev.granary.client.GranaryClient;
import dev.granary.config.ClientConfig;
import dev.granary.config.ConfigLoader;
import picocli.CommandLine.Option;

/** Options every client command takes, and the client they configure. */
final class ClientOptions {
  @Option(names = "--master", paramLabel = "HOST:PORT",
      description = "Master address (default: env GRANARY_MASTER, else 127.0.0.1:7070).")
  String master;

  ClientConfig config() {
    return ConfigLoader.loadClient(null, new Flags().put("master", master).map(), System.getenv());
  }

  GranaryClient open() {
    return GranaryClient.open(config());
  }
}
