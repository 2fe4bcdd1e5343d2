package dev.granary.cli;

import dev.granary.client.FsckReport;
import dev.granary.client.GranaryClient;
import dev.granary.client.JsonViews;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code granary fsck [REMOTE] [--json]}: health of every chunk under a path. */
@Command(name = "fsck", mixinStandardHelpOptions = true,
    description = "Check every chunk under REMOTE (default /): HEALTHY, DEGRADED (under-replicated "
        + "or being repaired) or CORRUPT (a chunk has no good replica). Exit 0 when the check ran; "
        + "the status is in the output.")
final class FsckCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Parameters(index = "0", arity = "0..1", paramLabel = "REMOTE", defaultValue = "/")
  String path;

  @Option(names = "--json", description = "JSON object (shape in the README).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    RemotePaths.requireAbsolute(path);
    PrintWriter out = spec.commandLine().getOut();
    try (GranaryClient c = client.open()) {
      FsckReport r = c.fsck(path);
      if (json) {
        out.println(Json.write(JsonViews.fsck(r)));
      } else {
        render(path, r, out);
      }
      out.flush();
      return 0;
    }
  }

  static void render(String path, FsckReport r, PrintWriter out) {
    out.printf("fsck %s: %s%n", path, r.status());
    out.printf("  files %d, chunks %d: healthy %d, under-replicated %d, over-replicated %d, "
        + "corrupt %d, missing %d%n", r.files(), r.chunks(), r.healthy(), r.underReplicated(),
        r.overReplicated(), r.corrupt(), r.missing());
    out.printf("  majority votes %d, re-replication queue %d%s%n", r.votes(),
        r.replicationQueue(), r.locationsComplete() ? "" : ", locations still being reported");
    if (r.readOnly()) {
      out.println("  the master is READ-ONLY: it cannot write its operation log; mutations are "
          + "refused until it can");
    }
    for (String p : r.problems()) {
      out.println("  " + p);
    }
  }
}
