package dev.granary.cli;

import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.JsonViews;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code granary ls [DIR]}: lists a directory (default /). */
@Command(name = "ls", mixinStandardHelpOptions = true,
    description = "List REMOTE_DIR (default /); a file lists itself. Directories end with /.")
final class LsCommand implements Callable<Integer> {
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneOffset.UTC);

  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Parameters(index = "0", arity = "0..1", paramLabel = "REMOTE_DIR", defaultValue = "/")
  String dir;

  @Option(names = "-l", description = "Long format: type and permission, owner, group, size, "
      + "modified (UTC), name.")
  boolean longFormat;

  @Option(names = "--json", description = "JSON array of {name, path, type, size, modified, "
      + "replication, owner, group, permission}.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    RemotePaths.requireAbsolute(dir);
    PrintWriter out = spec.commandLine().getOut();
    try (GranaryClient c = client.open()) {
      List<FileStatus> entries = c.list(dir);
      if (json) {
        out.println(Json.write(JsonViews.list(entries)));
      } else {
        int ownerWidth = 1;
        int groupWidth = 1;
        for (FileStatus e : entries) {
          ownerWidth = Math.max(ownerWidth, e.owner().length());
          groupWidth = Math.max(groupWidth, e.group().length());
        }
        for (FileStatus e : entries) {
          String name = e.directory() ? e.name() + "/" : e.name();
          if (longFormat) {
            out.println(longLine(e, name, ownerWidth, groupWidth));
          } else {
            out.println(name);
          }
        }
      }
      out.flush();
      return 0;
    }
  }

  /** {@code drwxr-xr-x  owner  group  size  modified  name}, as HDFS's {@code ls} prints it. */
  static String longLine(FileStatus e, String name, int ownerWidth, int groupWidth) {
    return String.format("%s  %-" + ownerWidth + "s  %-" + groupWidth + "s  %14d  %s  %s",
        e.mode(), e.owner(), e.group(), e.size(),
        TIME.format(Instant.ofEpochMilli(e.modifiedMillis())), name);
  }
}
