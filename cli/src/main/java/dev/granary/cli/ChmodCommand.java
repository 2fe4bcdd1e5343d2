package dev.granary.cli;

import dev.granary.client.GranaryClient;
import dev.granary.master.security.Permissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code granary chmod MODE REMOTE [-R]}. */
@Command(name = "chmod", mixinStandardHelpOptions = true,
    description = "Set REMOTE's permission bits to MODE (3 or 4 octal digits, e.g. 750 or 0644; "
        + "no setuid, setgid or sticky bits). For the owner or the superuser; with -R every "
        + "entry under REMOTE too, all or nothing.")
final class ChmodCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Parameters(index = "0", paramLabel = "MODE")
  String mode;

  @Parameters(index = "1", paramLabel = "REMOTE")
  String path;

  @Option(names = "-R", description = "Change everything under REMOTE too.")
  boolean recursive;

  @Override
  public Integer call() throws Exception {
    int bits = parseMode(mode);
    RemotePaths.requireAbsolute(path);
    try (GranaryClient c = client.open()) {
      c.setPermission(path, bits, recursive);
      return 0;
    }
  }

  /** MODE as permission bits. @throws CliException exit 2 naming the bad mode */
  static int parseMode(String mode) throws CliException {
    try {
      return Permissions.parseOctal(mode);
    } catch (IllegalArgumentException e) {
      throw new CliException(Failures.USAGE, "chmod: " + e.getMessage());
    }
  }
}
