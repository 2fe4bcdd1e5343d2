package dev.granary.cli;

import dev.granary.client.GranaryClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code granary cluster rotate-join-token}: the superuser replaces the cluster's join token and
 * gets the new one on stdout (also in the master's {@code join-token} file). Chunkservers that have
 * joined keep working: they hold certificates, not the token.
 */
@Command(name = "rotate-join-token", mixinStandardHelpOptions = true,
    description = "Replace the cluster's join token (superuser); prints the new token.")
final class RotateJoinTokenCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (GranaryClient c = client.open()) {
      out.println(c.rotateJoinToken());
      out.flush();
      return 0;
    }
  }
}
