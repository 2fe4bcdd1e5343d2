package dev.granary.cli;

import dev.granary.client.GranaryClient;
import dev.granary.config.Credentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code granary user add NAME [--group G] [--superuser] --out FILE} and
 * {@code granary user revoke NAME}: manage the users of a secured cluster (superuser only).
 */
@Command(name = "user", mixinStandardHelpOptions = true,
    subcommands = {UserCommand.Add.class, UserCommand.Revoke.class},
    description = "Add or revoke users of a cluster with security tls (superuser only).")
final class UserCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code granary user add}: a new user and its credentials file. */
  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add user NAME and write its credentials file (mode 0600) to FILE.")
  static final class Add implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME",
        description = "1 to 64 characters of A-Z a-z 0-9 . _ -, not starting with -.")
    String name;

    @Option(names = "--group", paramLabel = "G",
        description = "The user's group (default: a group named as the user).")
    String group;

    @Option(names = "--superuser", description = "The user passes every permission check.")
    boolean superuser;

    @Option(names = "--out", paramLabel = "FILE", required = true,
        description = "Where to write the credentials file; an existing file is refused.")
    Path out;

    @Override
    public Integer call() throws Exception {
      // Checked before the user exists: its token can be written only once.
      if (Files.exists(out)) {
        throw new CliException(Failures.EXISTS, out + ": already exists; choose another --out "
            + "FILE (credentials files are never overwritten)");
      }
      Path dir = out.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
        throw new CliException(Failures.USAGE, out + ": cannot write there: " + dir
            + (Files.isDirectory(dir) ? " is not writable" : " is not a directory"));
      }
      try (GranaryClient c = client.open()) {
        Credentials created = c.addUser(name, group == null ? "" : group, superuser);
        try {
          created.write(out, false);
        } catch (IOException e) {
          int code = e instanceof FileAlreadyExistsException ? Failures.EXISTS : Failures.INTERNAL;
          throw new CliException(code, "user " + name + " was added but its credentials could "
              + "not be written to " + out + " (" + Failures.message(e) + "); revoke it and "
              + "add it again");
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf("added user %s (group %s%s): credentials written to %s (mode 0600)%n", name,
            group == null ? name : group, superuser ? ", superuser" : "", out);
        w.flush();
        return 0;
      }
    }
  }

  /** {@code granary user revoke}: the user's token fails from now on. */
  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke user NAME: its credentials fail from now on, on open connections too.")
  static final class Revoke implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "NAME", description = "The user to revoke.")
    String name;

    @Override
    public Integer call() throws Exception {
      try (GranaryClient c = client.open()) {
        c.revokeUser(name);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("revoked user %s%n", name);
        w.flush();
        return 0;
      }
    }
  }
}
