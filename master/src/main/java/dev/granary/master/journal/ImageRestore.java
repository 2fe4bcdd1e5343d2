package dev.granary.master.journal;

import dev.granary.master.namespace.FileNode;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.namespace.NamespaceLoader;
import dev.granary.wire.Limits;
import dev.granary.wire.msg.FileEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the live image hold what a durable image (rebuilt from the disk) holds, in place: the
 * namespace object, the retry cache and the image itself stay the same objects, because the chunk
 * manager and the metadata service keep references to them. The caller holds the metadata write
 * lock. Costs one pass over both namespaces; it runs only after the operation log failed.
 *
 * <p>Retry cache entries of undone records stay (nothing can remove them) but their durability
 * future has failed, which the metadata service takes as "never answered": a retry runs anew.
 */
final class ImageRestore {
  private ImageRestore() {}

  static void restore(MetadataImage live, MetadataImage durable) {
    Namespace ns = live.namespace();
    for (String path : topLevel(ns)) {
      ns.delete(path, true, 0, Namespace.SYSTEM);
    }
    NamespaceLoader loader = ns.loader();
    durable.namespace().forEachEntry(new Namespace.EntryVisitor() {
      @Override
      public void directory(String path, long modified, String owner, String group,
          int permission) {
        loader.directory(path, modified, owner, group, permission);
      }

      @Override
      public void file(String path, FileNode f) {
        loader.file(path, f.modified(), f.replication(), f.chunkSize(), f.chunkRecords(),
            f.owner(), f.group(), f.permission());
      }
    });
    ns.setRootModified(durable.namespace().rootModified());
    FileEntry root = durable.namespace().rootEntry();
    ns.setRootAttributes(root.owner(), root.group(), root.permission());
    durable.retryCache().forEach((clientId, opId, e) ->
        live.retryCache().put(clientId, opId, e.reply(), e.time(), null));
    live.users().restore(durable.users());
    live.decommissions().restore(durable.decommissions());
    live.restoreCounters(durable);
  }

  private static List<String> topLevel(Namespace ns) {
    List<String> out = new ArrayList<>();
    String after = "";
    while (true) {
      Namespace.Listing page = ns.list("/", after, Limits.MAX_LIST_ENTRIES, Namespace.SYSTEM);
      for (FileEntry e : page.entries()) {
        out.add(e.path());
      }
      if (!page.more() || page.entries().isEmpty()) {
        return out;
      }
      after = out.get(out.size() - 1).substring(1);
    }
  }
}
