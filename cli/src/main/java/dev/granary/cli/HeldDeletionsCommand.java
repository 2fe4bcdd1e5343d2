package dev.granary.cli;

import dev.granary.client.GranaryClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code granary cluster release-deletions [NODE]} and {@code discard-deletions [NODE]}: act on
 * the replica deletions the master holds because a report would have made most of a chunkserver's
 * replicas garbage at once (a master on an old or wrong namespace). Release carries them out;
 * discard keeps the replicas.
 */
abstract class HeldDeletionsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Parameters(arity = "0..1", paramLabel = "NODE",
      description = "A chunkserver id or host:port (default: every chunkserver).")
  String node;

  abstract boolean release();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (GranaryClient c = client.open()) {
      long n = c.actOnHeldDeletions(release(), node == null ? "" : node);
      out.printf("%s %d held replica deletion%s%s%n", release() ? "released" : "discarded", n,
          n == 1 ? "" : "s", release() ? "" : " (the replicas are kept)");
      out.flush();
      return 0;
    }
  }

  @Command(name = "release-deletions", mixinStandardHelpOptions = true,
      description = "Carry out the replica deletions the master holds (see deletionsHeld).")
  static final class Release extends HeldDeletionsCommand {
    @Override
    boolean release() {
      return true;
    }
  }

  @Command(name = "discard-deletions", mixinStandardHelpOptions = true,
      description = "Keep the replicas whose deletion the master holds, and forget the deletions.")
  static final class Discard extends HeldDeletionsCommand {
    @Override
    boolean release() {
      return false;
    }
  }
}
