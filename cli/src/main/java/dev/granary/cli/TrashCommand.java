package dev.granary.cli;

import dev.granary.client.GranaryClient;
import dev.granary.client.TrashEntry;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code granary trash list [--json] | restore PATH | empty}: the caller's own trash, where rm
 * puts what it removes under a directory policy with {@code --trash}.
 */
@Command(name = "trash", mixinStandardHelpOptions = true,
    subcommands = {TrashCommand.ListTrash.class, TrashCommand.Restore.class,
        TrashCommand.Empty.class},
    description = {"Your trash: what rm removed under a policy with --trash, until it expires.",
        "restore puts an entry back at its old path; empty frees everything in it now."})
final class TrashCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code granary trash list [--json]}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List your trash, soonest to expire first.")
  static final class ListTrash implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = "--json",
        description = "JSON array of {path, type, size, files, deleted, expires}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try (GranaryClient c = client.open()) {
        List<TrashEntry> entries = c.trash();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? Json.write(Retained.trashJson(entries)) + "\n"
            : Retained.trashText(entries));
        out.flush();
        return 0;
      }
    }
  }

  /** {@code granary trash restore PATH}. */
  @Command(name = "restore", mixinStandardHelpOptions = true,
      description = {"Put what rm removed from PATH (the path it had) back there; of several "
          + "removed from the same path, the latest.", "Nothing may be at PATH now."})
  static final class Restore implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "PATH")
    String path;

    @Override
    public Integer call() throws Exception {
      RemotePaths.requireAbsolute(path);
      try (GranaryClient c = client.open()) {
        TrashEntry e = c.restoreFromTrash(path);
        PrintWriter out = spec.commandLine().getOut();
        out.println("restored " + Retained.describe(e));
        out.flush();
        return 0;
      }
    }
  }

  /** {@code granary trash empty}. */
  @Command(name = "empty", mixinStandardHelpOptions = true,
      description = "Free everything in your trash now (it cannot be restored afterwards).")
  static final class Empty implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() throws Exception {
      try (GranaryClient c = client.open()) {
        List<TrashEntry> freed = c.emptyTrash();
        PrintWriter out = spec.commandLine().getOut();
        out.println("emptied your trash: " + freed.size() + " entr"
            + (freed.size() == 1 ? "y" : "ies") + ", " + Human.bytes(freed.stream()
            .mapToLong(TrashEntry::size).sum()));
        out.flush();
        return 0;
      }
    }
  }
}
