package dev.granary.cli;

import dev.granary.client.ChunkInfo;
import dev.granary.client.FileStatus;
import dev.granary.client.GranaryClient;
import dev.granary.client.JsonViews;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code granary stat REMOTE [--json]}: a file's metadata with its chunks and replicas. */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = "Show REMOTE's metadata: type, size, replication, chunk size, modified, and for a "
        + "file its compression, stored size, whether it is encrypted and every chunk with its "
        + "handle, version, stored size and replica addresses.")
final class StatCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ClientOptions client;

  @Parameters(index = "0", paramLabel = "REMOTE")
  String path;

  @Option(names = "--json", description = "JSON object (shape in the README).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    RemotePaths.requireAbsolute(path);
    PrintWriter out = spec.commandLine().getOut();
    try (GranaryClient c = client.open()) {
      FileStatus st = c.stat(path);
      List<ChunkInfo> chunks = st.directory() ? List.of() : c.statWithChunks(path).chunks();
      if (json) {
        out.println(Json.write(JsonViews.stat(st, chunks)));
      } else {
        out.println("path:        " + st.path());
        out.println("type:        " + (st.directory() ? "dir" : "file"));
        out.println("size:        " + st.size());
        out.println("modified:    " + Instant.ofEpochMilli(st.modifiedMillis()));
        out.println("owner:       " + st.owner());
        out.println("group:       " + st.group());
        out.println("permission:  " + st.permission() + " (" + st.mode() + ")");
        if (!st.directory()) {
          out.println("replication: " + st.replication());
          out.println("chunkSize:   " + st.chunkSize());
          out.println("compression: " + st.compression());
          out.println("storedSize:  " + st.storedSize());
          out.println("encrypted:   " + (st.encrypted() ? "yes" : "no"));
          out.println("chunks:      " + chunks.size());
          for (ChunkInfo ch : chunks) {
            out.printf("  %d  handle %s  v%d  %d bytes  %s  sha256 %s%n", ch.index(), ch.handle(),
                ch.version(), ch.size(), String.join(",", ch.replicas()),
                ch.sha256() == null ? "unknown" : ch.sha256());
          }
        }
      }
      out.flush();
      return 0;
    }
  }
}
