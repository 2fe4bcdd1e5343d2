package dev.granary.cli;

import dev.granary.client.FileVersion;
import dev.granary.client.GranaryClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code granary versions PATH [--json]}: the versions of a file, newest (current) first. */
@Command(name = "versions", mixinStandardHelpOptions = true,
    description = {"List the versions of a file, newest first: its current contents, then the "
        + "replaced versions its directory's policy keeps (policy --keep-versions).",
        "Read one with get/cat --version N; make one current again with restore."})
final class VersionsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Parameters(index = "0", paramLabel = "PATH")
  String path;

  @Option(names = "--json", description = "JSON array of {version, size, modified}.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    RemotePaths.requireAbsolute(path);
    PrintWriter out = spec.commandLine().getOut();
    try (GranaryClient c = client.open()) {
      List<FileVersion> versions = c.versions(path);
      out.print(json ? Json.write(Retained.versionsJson(versions)) + "\n"
          : Retained.versionsText(versions));
      out.flush();
      return 0;
    }
  }
}
