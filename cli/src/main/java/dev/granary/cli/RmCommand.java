package dev.granary.cli;

import dev.granary.client.DeleteResult;
import dev.granary.client.GranaryClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code granary rm REMOTE [-r] [--skip-trash]}. */
@Command(name = "rm", mixinStandardHelpOptions = true,
    description = {"Remove a file (with its kept versions) or an empty directory; -r removes a "
        + "whole tree (atomically). Replica files leave the chunkservers' disks within the "
        + "master's gcInterval.",
        "Under a directory policy with --trash, what rm removes goes to your trash for that long "
        + "instead (see trash); --skip-trash removes it at once."})
final class RmCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Parameters(index = "0", paramLabel = "REMOTE")
  String path;

  @Option(names = "-r", description = "Remove directories and their contents.")
  boolean recursive;

  @Option(names = "--skip-trash", description = "Remove at once, even under a trash policy.")
  boolean skipTrash;

  @Override
  public Integer call() throws Exception {
    RemotePaths.requireAbsolute(path);
    try (GranaryClient c = client.open()) {
      DeleteResult r = c.delete(path, recursive, skipTrash);
      if (r.trashed()) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(trashedLine(path, r));
        out.flush();
      }
      return 0;
    }
  }

  /** Where a trashed removal went and until when, and how to undo it. */
  static String trashedLine(String path, DeleteResult r) {
    return "moved " + path + " to your trash until " + Retained.time(r.trashExpires())
        + " (undo: granary trash restore " + path + ")";
  }
}
