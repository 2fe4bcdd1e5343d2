package dev.granary.cli;

import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code granary restore PATH --version N}: makes a kept version current again. */
@Command(name = "restore",
    description = {"Make kept version N of a file (see versions) its current contents again.",
        "The contents it replaces are kept as a version, like any replacement."})
final class RestoreCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Parameters(index = "0", paramLabel = "PATH")
  String path;

  @Option(names = "--version", paramLabel = "N", required = true,
      description = "The version to restore (versions lists them).")
  long version;

  @Override
  public Integer call() throws Exception {
    RemotePaths.requireAbsolute(path);
    VersionOption.check(version, false);
    try (GranaryClient c = client.open()) {
      FileStatus now = c.restore(path, version);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("restored %s to version %d (%s)%n", now.path(), version,
          Human.bytes(now.size()));
      out.flush();
      return 0;
    }
  }
}
