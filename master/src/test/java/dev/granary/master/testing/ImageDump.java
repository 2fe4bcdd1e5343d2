package dev.granary.master.testing;

import dev.granary.master.namespace.FileNode;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import java.util.ArrayList;
import java.util.List;

/** A canonical text form of a metadata image, for equality checks in tests. */
public final class ImageDump {
  private ImageDump() {}

  public static List<String> of(MetadataImage image) {
    List<String> out = new ArrayList<>();
    out.add("reserved " + image.reservedUpTo());
    out.add("root " + image.namespace().rootEntry());
    out.add("counts " + image.namespace().fileCount() + " " + image.namespace().directoryCount()
        + " " + image.namespace().chunkCount());
    image.namespace().forEachEntry(new Namespace.EntryVisitor() {
      @Override
      public void directory(String path, long modified, String owner, String group,
          int permission) {
        out.add("d " + path + " " + modified + " " + owner + ":" + group + ":"
            + Integer.toOctalString(permission));
      }

      @Override
      public void file(String path, FileNode f) {
        StringBuilder sb = new StringBuilder("f " + path + " " + f.modified() + " r"
            + f.replication() + " s" + f.chunkSize() + " " + f.owner() + ":" + f.group() + ":"
            + Integer.toOctalString(f.permission()));
        for (int i = 0; i < f.chunkCount(); i++) {
          sb.append(' ').append(f.handle(i)).append('/').append(f.version(i)).append('/')
              .append(f.length(i)).append('/').append(f.digest(i));
        }
        out.add(sb.toString());
      }
    });
    image.retryCache().forEach((client, op, e) -> out.add("rc " + client + " " + op + " "
        + e.reply()));
    return out;
  }
}
