package dev.granary.cli;

import dev.granary.client.GranaryClient;
import dev.granary.client.SnapshotInfo;
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
 * {@code granary snapshot create DIR NAME | delete DIR NAME | list DIR [--json]}: read-only views
 * of a directory as it was, at {@code DIR/.snapshot/NAME}.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
    subcommands = {SnapshotCommand.Create.class, SnapshotCommand.Delete.class,
        SnapshotCommand.ListSnapshots.class},
    description = {"Snapshots of a directory: DIR/.snapshot/NAME is a read-only view of DIR as "
        + "it was when NAME was created (get, cat, ls and stat work; writes there are denied).",
        "Creating one costs metadata only; later changes in DIR do not change what it shows."})
final class SnapshotCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What create and delete share: DIR and NAME, and a line naming the snapshot acted on. */
  abstract static class OnOne implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "DIR")
    String dir;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    /** Acts on snapshot NAME of DIR and returns it. */
    abstract SnapshotInfo act(GranaryClient c) throws Exception;

    /** The past tense of the action, for the line printed. */
    abstract String done();

    @Override
    public Integer call() throws Exception {
      RemotePaths.requireAbsolute(dir);
      try (GranaryClient c = client.open()) {
        SnapshotInfo s = act(c);
        PrintWriter out = spec.commandLine().getOut();
        out.println(done() + " snapshot " + s.path());
        out.flush();
        return 0;
      }
    }
  }

  /** {@code granary snapshot create DIR NAME}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Snapshot DIR as NAME (the directory's owner or a superuser).")
  static final class Create extends OnOne {
    @Override
    SnapshotInfo act(GranaryClient c) throws Exception {
      return c.createSnapshot(dir, name);
    }

    @Override
    String done() {
      return "created";
    }
  }

  /** {@code granary snapshot delete DIR NAME}. */
  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete snapshot NAME of DIR; the chunks only it kept are freed.")
  static final class Delete extends OnOne {
    @Override
    SnapshotInfo act(GranaryClient c) throws Exception {
      return c.deleteSnapshot(dir, name);
    }

    @Override
    String done() {
      return "deleted";
    }
  }

  /** {@code granary snapshot list DIR [--json]}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the snapshots of DIR, oldest first.")
  static final class ListSnapshots implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(index = "0", paramLabel = "DIR")
    String dir;

    @Option(names = "--json", description = "JSON array of {name, path, created}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      RemotePaths.requireAbsolute(dir);
      try (GranaryClient c = client.open()) {
        List<SnapshotInfo> all = c.snapshots(dir);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          out.println(Json.write(Retained.snapshotsJson(all)));
        } else {
          for (SnapshotInfo s : all) {
            out.printf("%-20s  %s%n", Retained.time(s.createdMillis()), s.path());
          }
        }
        out.flush();
        return 0;
      }
    }
  }
}
