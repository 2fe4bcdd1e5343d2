package dev.granary.master.testing;

import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.FileNode;
import dev.granary.master.namespace.Policy;
import java.util.Map;
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
    Namespace ns = image.namespace();
    Namespace.EntryVisitor visitor = new Namespace.EntryVisitor() {
      @Override
      public void directory(String path, long modified, String owner, String group,
          int permission) {
        out.add("d " + path + " " + modified + " " + owner + ":" + group + ":"
            + Integer.toOctalString(permission));
      }

      @Override
      public void directory(String path, long modified, String owner, String group,
          int permission, Policy policy) {
        directory(path, modified, owner, group, permission);
        if (policy != null) {
          out.add("policy " + path + " " + policy.settings());
        }
      }

      @Override
      public void file(String path, FileNode f) {
        out.add(line("f " + path, f));
        for (Map.Entry<Long, FileNode> v : ns.olderVersions(f)) {
          out.add(line("v" + v.getKey() + " of " + path + " current " + ns.versionNumber(f),
              v.getValue()));
        }
      }

      private String line(String what, FileNode f) {
        StringBuilder sb = new StringBuilder(what + " " + f.modified() + " r"
            + f.replication() + " s" + f.chunkSize() + " " + f.owner() + ":" + f.group() + ":"
            + Integer.toOctalString(f.permission()));
        if (!ns.encoding(f).isPlain()) {
          sb.append(" size ").append(ns.size(f)).append(' ').append(ns.encoding(f));
        }
        for (ChunkRecord c : ns.chunks(f)) {
          sb.append(' ').append(c.handle()).append('/').append(c.version()).append('/')
              .append(c.length()).append('/').append(c.digest()).append('/')
              .append(c.sha256()).append(" holders ").append(ns.holders(c.handle()))
              .append(" goal ").append(ns.goal(c.handle()));
        }
        return sb.toString();
      }
    };
    Policy rootPolicy = ns.ownPolicy("/");
    out.add("root policy " + (rootPolicy == null ? "none" : rootPolicy.settings()));
    ns.forEachEntry(visitor);
    ns.forEachDetached(new Namespace.TreeVisitor() {
      @Override
      public void snapshot(String dir, String name, long created,
          java.util.function.Consumer<Namespace.EntryVisitor> walk) {
        out.add("snapshot " + dir + " " + name + " " + created);
        walk.accept(visitor);
      }

      @Override
      public void trash(String user, String path, long deleted, long expires,
          java.util.function.Consumer<Namespace.EntryVisitor> walk) {
        out.add("trash " + user + " " + path + " " + deleted + " " + expires);
        walk.accept(visitor);
      }
    });
    image.retryCache().forEach((client, op, e) -> out.add("rc " + client + " " + op + " "
        + e.reply()));
    return out;
  }
}
