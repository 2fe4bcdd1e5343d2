package dev.granary.cli;

import dev.granary.client.GranaryClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary chown OWNER[:GROUP] REMOTE [-R]} (also {@code :GROUP} alone). */
@Command(name = "chown", mixinStandardHelpOptions = true,
    description = "Set REMOTE's owner and/or group: OWNER, OWNER:GROUP or :GROUP. For the "
        + "superuser only; with -R every entry under REMOTE too, all or nothing.")
final class ChownCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Parameters(index = "0", paramLabel = "OWNER[:GROUP]")
  String spec;

  @Parameters(index = "1", paramLabel = "REMOTE")
  String path;

  @Option(names = "-R", description = "Change everything under REMOTE too.")
  boolean recursive;

  /** The owner and group to set; {@code ""} leaves one unchanged. */
  record Owner(String owner, String group) {}

  @Override
  public Integer call() throws Exception {
    Owner o = parse(spec);
    RemotePaths.requireAbsolute(path);
    try (GranaryClient c = client.open()) {
      c.setOwner(path, o.owner(), o.group(), recursive);
      return 0;
    }
  }

  /** OWNER, OWNER:GROUP or :GROUP. @throws CliException exit 2 naming the bad value */
  static Owner parse(String spec) throws CliException {
    int colon = spec.indexOf(':');
    String owner = colon < 0 ? spec : spec.substring(0, colon);
    String group = colon < 0 ? "" : spec.substring(colon + 1);
    if (owner.isEmpty() && group.isEmpty() || group.indexOf(':') >= 0) {
      throw new CliException(Failures.USAGE, "chown: '" + spec
          + "' is not OWNER, OWNER:GROUP or :GROUP");
    }
    return new Owner(owner, group);
  }
}
