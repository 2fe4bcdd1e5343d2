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

  @Option(names = "--credentials", paramLabel = "FILE",
      description = "Credentials file to authenticate with: JSON {user, token, caCert} "
          + "(default: env GRANARY_CREDENTIALS, else none).")
  String credentials;

  ClientConfig config() {
    return ConfigLoader.loadClient(null,
        new Flags().put("master", master).put("credentials", credentials).map(), System.getenv());
  }

  GranaryClient open() {
    return GranaryClient.open(config());
  }
}
