package dev.granary.master.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.granary.master.liveness.Decommissions;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.namespace.FileNode;
import dev.granary.master.namespace.MetadataException;
import dev.granary.master.namespace.MetadataImage;
import dev.granary.master.namespace.Namespace;
import dev.granary.master.namespace.NamespaceLoader;
import dev.granary.master.namespace.Policy;
import dev.granary.master.namespace.RetryCache;
import dev.granary.master.security.Permissions;
import dev.granary.master.security.Tokens;
import dev.granary.master.security.UserRegistry;
import dev.granary.wire.Compression;
import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import dev.granary.wire.msg.CommitFileResponse;
import dev.granary.wire.msg.DeleteResponse;
import dev.granary.wire.msg.ErrorReply;
import dev.granary.wire.msg.FileEncoding;
import dev.granary.wire.msg.FileEntry;
import dev.granary.wire.msg.Message;
import dev.granary.wire.msg.RestoreResponse;
import dev.granary.wire.msg.SnapshotResponse;
import dev.granary.wire.msg.StatResponse;
import dev.granary.wire.msg.TrashResponse;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint file: the whole metadata image as JSON, one object per line, streamed so that
 * neither writing nor loading a million files needs a document tree in memory.
 *
 * <pre>
 * {"checkpoint":1,"seq":N,"time":T,"reservedUpTo":R,"rootModified":M,"files":F,"directories":D,
 *  "rootOwner":"admin","rootGroup":"admin","rootPermission":"755"}
 * {"d":"/a","m":1700000000000,"o":"alice","g":"staff","p":"750"}      a directory
 * {"f":"/a/x","m":1700000000000,"r":3,"s":67108864,"c":[h,v,len,digest,...],
 *  "o":"alice","g":"staff","p":"644"}                                  a file
 * {"rc":"client","op":7,"t":T,"rt":"commit","e":{...}}            a retry cache entry
 * {"u":"bob","g":"bob","su":false,"h":"64 hex digits","rv":false}  a user (security)
 * {"dn":"cs-3f2a","t":T}                                          a node being decommissioned
 * {"end":COUNT}                                                   COUNT = lines before it
 * </pre>
 *
 * Entries come in pre-order (a directory before its children). In the compact "c" array the chunk
 * handle is a plain number; the operation log spells it as 16 hex digits. Owner ("o"), group ("g")
 * and permission ("p", octal) are absent from checkpoints written before entries had owners: such
 * an entry loads as admin's, group admin, 755 for a directory and 644 for a file. A user line holds
 * the SHA-256 of its token ("h"), never the token; checkpoints written before users existed have no
 * user lines. A decommission line holds a node id and when it was asked (epoch ms); checkpoints
 * written before decommissioning existed have none. A file without the trailer is incomplete and
 * rejected.
 *
 * <p>A compressed or encrypted file (or kept version) adds its logical size ("ls"), its
 * compression id ("z") and, if encrypted, its file id ("fid"), key id ("kid") and wrapped data
 * key ("wk"); its stored size is the sum of its chunks' lengths. A plain file has none of these,
 * so its line is what it was before compression and encryption existed. A cached answer's entry
 * carries the same as "compression", "storedSize", "fileId", "keyId" and "wrappedKey".
 */
final class CheckpointFormat {
  static final int FORMAT = 1;
  private final JsonFactory factory;

  CheckpointFormat(JsonFactory factory) {
    this.factory = factory;
  }

  void write(MetadataImage image, OutputStream raw) throws IOException {
    OutputStream out = new BufferedOutputStream(raw, 1 << 16);
    JsonGenerator g = factory.createGenerator(out);
    g.setRootValueSeparator(new SerializedString("\n"));
    Namespace ns = image.namespace();
    g.writeStartObject();
    g.writeNumberField("checkpoint", FORMAT);
    g.writeNumberField("seq", image.lastSeq());
    g.writeNumberField("time", image.lastTime());
    g.writeNumberField("reservedUpTo", image.reservedUpTo());
    g.writeNumberField("rootModified", ns.rootModified());
    g.writeNumberField("files", ns.fileCount());
    g.writeNumberField("directories", ns.directoryCount());
    FileEntry root = ns.rootEntry();
    g.writeStringField("rootOwner", root.owner());
    g.writeStringField("rootGroup", root.group());
    g.writeStringField("rootPermission", root.permissionOctal());
    g.writeEndObject();
    long[] count = {1};
    Policy rootPolicy = ns.ownPolicy("/");
    if (rootPolicy != null) {
      g.writeStartObject();
      g.writeObjectFieldStart("rootPolicy");
      writePolicy(g, rootPolicy);
      g.writeEndObject();
      g.writeEndObject();
      count[0]++;
    }
    IOException[] failure = new IOException[1];
    Namespace.EntryVisitor entries = new Namespace.EntryVisitor() {
      @Override
      public void directory(String path, long modified, String owner, String group,
          int permission) {
        directory(path, modified, owner, group, permission, null);
      }

      @Override
      public void directory(String path, long modified, String owner, String group,
          int permission, Policy policy) {
        try {
          g.writeStartObject();
          g.writeStringField("d", path);
          g.writeNumberField("m", modified);
          writeAttributes(g, owner, group, permission);
          if (policy != null) {
            g.writeObjectFieldStart("pol");
            writePolicy(g, policy);
            g.writeEndObject();
          }
          g.writeEndObject();
          count[0]++;
        } catch (IOException e) {
          failure[0] = e;
        }
      }

      @Override
      public void file(String path, FileNode f) {
        try {
          g.writeStartObject();
          g.writeStringField("f", path);
          writeFile(g, ns, f);
          g.writeEndObject();
          count[0]++;
          List<Map.Entry<Long, FileNode>> older = ns.olderVersions(f);
          long current = older.isEmpty() ? 1 : ns.versionNumber(f);
          for (Map.Entry<Long, FileNode> v : older) {
            g.writeStartObject();
            g.writeStringField("fv", path);
            g.writeNumberField("cur", current);
            g.writeNumberField("n", v.getKey());
            writeFile(g, ns, v.getValue());
            g.writeEndObject();
            count[0]++;
          }
        } catch (IOException e) {
          failure[0] = e;
        }
      }
    };
    ns.forEachEntry(entries);
    if (failure[0] != null) {
      throw failure[0];
    }
    // Snapshots and trash entries: a section line, then the tree's entries with paths from "/".
    ns.forEachDetached(new Namespace.TreeVisitor() {
      @Override
      public void snapshot(String dir, String name, long created,
          java.util.function.Consumer<Namespace.EntryVisitor> walk) {
        section(() -> {
          g.writeStringField("snap", dir);
          g.writeStringField("name", name);
          g.writeNumberField("t", created);
        });
        walk.accept(entries);
      }

      @Override
      public void trash(String user, String path, long deleted, long expires,
          java.util.function.Consumer<Namespace.EntryVisitor> walk) {
        section(() -> {
          g.writeStringField("trash", user);
          g.writeStringField("path", path);
          g.writeNumberField("t", deleted);
          g.writeNumberField("x", expires);
        });
        walk.accept(entries);
      }

      private void section(IoAction fields) {
        try {
          g.writeStartObject();
          fields.run();
          g.writeEndObject();
          count[0]++;
        } catch (IOException e) {
          failure[0] = e;
        }
      }
    });
    if (failure[0] != null) {
      throw failure[0];
    }
    RetryCache cache = image.retryCache();
    IOException[] cacheFailure = new IOException[1];
    cache.forEach((client, opId, entry) -> {
      try {
        g.writeStartObject();
        g.writeStringField("rc", client);
        g.writeNumberField("op", opId);
        g.writeNumberField("t", entry.time());
        writeReply(g, entry.reply());
        g.writeEndObject();
        count[0]++;
      } catch (IOException e) {
        cacheFailure[0] = e;
      }
    });
    if (cacheFailure[0] != null) {
      throw cacheFailure[0];
    }
    count[0] += writeUsers(g, image.users());
    count[0] += writeDecommissions(g, image.decommissions());
    g.writeStartObject();
    g.writeNumberField("end", count[0]);
    g.writeEndObject();
    g.writeRaw('\n');
    g.flush();
    out.flush();
  }

  private interface IoAction {
    void run() throws IOException;
  }

  /** A file's fields after its path: time, replication, chunk size, chunks, SHA-256s, owner. */
  private static void writeFile(JsonGenerator g, Namespace ns, FileNode f) throws IOException {
    g.writeNumberField("m", f.modified());
    g.writeNumberField("r", f.replication());
    g.writeNumberField("s", f.chunkSize());
    List<ChunkRecord> chunks = ns.chunks(f);
    g.writeArrayFieldStart("c");
    boolean anySha = false;
    for (ChunkRecord c : chunks) {
      g.writeNumber(c.handle());
      g.writeNumber(c.version());
      g.writeNumber(c.length());
      g.writeNumber(c.digest());
      anySha |= !c.sha256().isNone();
    }
    g.writeEndArray();
    if (anySha) {
      g.writeArrayFieldStart("sh");
      for (ChunkRecord c : chunks) {
        if (c.sha256().isNone()) {
          g.writeNull();
        } else {
          g.writeString(c.sha256().hex());
        }
      }
      g.writeEndArray();
    }
    writeAttributes(g, f.owner(), f.group(), f.permission());
    FileEncoding e = ns.encoding(f);
    if (!e.isPlain()) {
      g.writeNumberField("ls", ns.size(f));
      g.writeNumberField("z", e.compression().id());
      if (e.encrypted()) {
        g.writeStringField("fid", e.fileId());
        g.writeStringField("kid", e.keyId());
        g.writeStringField("wk", e.wrappedKey());
      }
    }
  }

  private static void writePolicy(JsonGenerator g, Policy policy) throws IOException {
    for (Map.Entry<String, String> e : policy.settings().entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
  }

  private static void writeAttributes(JsonGenerator g, String owner, String group,
      int permission) throws IOException {
    g.writeStringField("o", owner);
    g.writeStringField("g", group);
    g.writeStringField("p", Permissions.octal(permission));
  }

  /** The user lines (security); returns how many. */
  private static long writeUsers(JsonGenerator g, UserRegistry users) throws IOException {
    long n = 0;
    for (UserRegistry.User u : users.all()) {
      g.writeStartObject();
      g.writeStringField("u", u.name());
      g.writeStringField("g", u.group());
      g.writeBooleanField("su", u.superuser());
      g.writeStringField("h", Tokens.toHex(u.tokenHash()));
      g.writeBooleanField("rv", u.revoked());
      g.writeEndObject();
      n++;
    }
    return n;
  }

  /** The decommission lines (operating the cluster); returns how many. */
  private static long writeDecommissions(JsonGenerator g, Decommissions decommissions)
      throws IOException {
    for (Map.Entry<String, Long> e : decommissions.all().entrySet()) {
      g.writeStartObject();
      g.writeStringField("dn", e.getKey());
      g.writeNumberField("t", e.getValue());
      g.writeEndObject();
    }
    return decommissions.size();
  }

  private static void writeReply(JsonGenerator g, Message reply) throws IOException {
    if (reply instanceof CommitFileResponse c) {
      g.writeStringField("rt", "commit");
      writeEntry(g, c.file());
    } else if (reply instanceof StatResponse s) {
      g.writeStringField("rt", "stat");
      writeEntry(g, s.entry());
    } else if (reply instanceof DeleteResponse d) {
      g.writeStringField("rt", "delete");
      g.writeNumberField("files", d.files());
      g.writeNumberField("directories", d.directories());
      if (d.trashExpires() > 0) {
        g.writeNumberField("x", d.trashExpires());
      }
    } else if (reply instanceof RestoreResponse rr) {
      g.writeStringField("rt", "restore");
      writeEntry(g, rr.entry());
      g.writeNumberField("n", rr.version());
    } else if (reply instanceof SnapshotResponse sr) {
      g.writeStringField("rt", "snapshot");
      g.writeArrayFieldStart("ss");
      for (SnapshotResponse.SnapshotInfo i : sr.snapshots()) {
        g.writeStartArray();
        g.writeString(i.name());
        g.writeString(i.path());
        g.writeNumber(i.created());
        g.writeEndArray();
      }
      g.writeEndArray();
    } else if (reply instanceof TrashResponse tr) {
      g.writeStringField("rt", "trash");
      g.writeArrayFieldStart("te");
      for (TrashResponse.TrashEntry e : tr.entries()) {
        g.writeStartArray();
        g.writeString(e.path());
        g.writeBoolean(e.directory());
        g.writeNumber(e.size());
        g.writeNumber(e.files());
        g.writeNumber(e.deleted());
        g.writeNumber(e.expires());
        g.writeEndArray();
      }
      g.writeEndArray();
    } else if (reply instanceof ErrorReply e) {
      g.writeStringField("rt", "error");
      g.writeStringField("status", e.status().name());
      g.writeStringField("message", e.message());
    } else {
      throw new IllegalStateException("unexpected cached reply " + reply);
    }
  }

  private static void writeEntry(JsonGenerator g, FileEntry e) throws IOException {
    g.writeObjectFieldStart("e");
    g.writeStringField("path", e.path());
    g.writeBooleanField("directory", e.directory());
    g.writeNumberField("size", e.size());
    g.writeNumberField("modified", e.modifiedMillis());
    g.writeNumberField("replication", e.replication());
    g.writeNumberField("chunkSize", e.chunkSize());
    g.writeNumberField("chunkCount", e.chunkCount());
    g.writeStringField("owner", e.owner());
    g.writeStringField("group", e.group());
    g.writeStringField("permission", e.permissionOctal());
    FileEncoding enc = e.encoding();
    if (!enc.isPlain()) {
      g.writeStringField("compression", enc.compression().label());
      g.writeNumberField("storedSize", enc.storedSize());
      if (enc.encrypted()) {
        g.writeStringField("fileId", enc.fileId());
        g.writeStringField("keyId", enc.keyId());
        g.writeStringField("wrappedKey", enc.wrappedKey());
      }
    }
    g.writeEndObject();
  }

  /**
   * Loads a checkpoint.
   *
   * @throws CorruptJournalException naming the file and line if it is malformed or incomplete
   */
  MetadataImage read(Path file) throws IOException {
    MetadataImage image = new MetadataImage();
    NamespaceLoader main = image.namespace().loader();
    NamespaceLoader[] loader = {main, main};
    long line = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        JsonParser p = factory.createParser(in)) {
      boolean ended = false;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        line++;
        if (ended) {
          throw new IllegalArgumentException("data after the end marker");
        }
        if (t != JsonToken.START_OBJECT) {
          throw new IllegalArgumentException("expected a JSON object");
        }
        ended = readLine(p, image, loader, line);
      }
      if (!ended) {
        throw new IllegalArgumentException("no end marker: the checkpoint is incomplete");
      }
    } catch (IllegalArgumentException | IllegalStateException
        | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CorruptJournalException("checkpoint " + file + " line " + Math.max(1, line) + ": "
          + OpCodec.firstLine(e.getMessage()));
    }
    return image;
  }

  /** Reads one object (positioned after its START_OBJECT); true for the end marker. */
  private boolean readLine(JsonParser p, MetadataImage image, NamespaceLoader[] loaders, long line)
      throws IOException {
    String d = null;
    String f = null;
    String rc = null;
    String rt = null;
    String status = null;
    String message = null;
    FileEntry entry = null;
    long m = 0;
    long r = 0;
    long s = 0;
    long op = 0;
    long time = 0;
    long files = 0;
    long dirs = 0;
    long end = -1;
    long seq = -1;
    long reserved = 0;
    long format = -1;
    long rootModified = 0;
    String owner = Namespace.DEFAULT_OWNER;
    String group = null;
    String permission = null;
    long[] chunks = FileNodeArrays.EMPTY;
    String user = null;
    String tokenHash = null;
    boolean superuser = false;
    boolean revoked = false;
    String decommissioned = null;
    List<String[]> rows = List.of();
    String fv = null;
    long current = 0;
    long number = 0;
    String[] sha = null;
    Policy policy = null;
    Policy rootPolicy = null;
    String snap = null;
    String snapName = null;
    String trashUser = null;
    String trashPath = null;
    long expires = 0;
    long logicalSize = -1;
    int compression = -1;
    String[] key = {"", "", ""};
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "d" -> d = p.getText();
        case "f" -> f = p.getText();
        case "m" -> m = p.getLongValue();
        case "r" -> r = p.getLongValue();
        case "s" -> s = p.getLongValue();
        case "c" -> chunks = readLongs(p, v);
        case "rc" -> rc = p.getText();
        case "op" -> op = p.getLongValue();
        case "t", "time" -> time = p.getLongValue();
        case "rt" -> rt = p.getText();
        case "status" -> status = p.getText();
        case "message" -> message = p.getText();
        case "files" -> files = p.getLongValue();
        case "directories" -> dirs = p.getLongValue();
        case "e" -> entry = readEntry(p, v);
        case "end" -> end = p.getLongValue();
        case "seq" -> seq = p.getLongValue();
        case "reservedUpTo" -> reserved = p.getLongValue();
        case "checkpoint" -> format = p.getLongValue();
        case "rootModified" -> rootModified = p.getLongValue();
        case "o", "rootOwner" -> owner = p.getText();
        case "g", "rootGroup" -> group = p.getText();
        case "p", "rootPermission" -> permission = p.getText();
        // Users (security); "g" above is a user's group too.
        case "u" -> user = p.getText();
        case "h" -> tokenHash = p.getText();
        case "su" -> superuser = p.getBooleanValue();
        case "rv" -> revoked = p.getBooleanValue();
        case "dn" -> decommissioned = p.getText(); // operating the cluster
        // Versions, policies, snapshots, trash (shared chunks).
        case "fv" -> fv = p.getText();
        case "cur" -> current = p.getLongValue();
        case "n" -> number = p.getLongValue();
        case "sh" -> sha = readStrings(p, v);
        case "pol" -> policy = readPolicy(p, v);
        case "rootPolicy" -> rootPolicy = readPolicy(p, v);
        case "snap" -> snap = p.getText();
        case "name" -> snapName = p.getText();
        case "trash" -> trashUser = p.getText();
        case "path" -> trashPath = p.getText();
        case "x" -> expires = p.getLongValue();
        case "ss", "te" -> rows = readRows(p, v);
        // Compression and encryption.
        case "ls" -> logicalSize = p.getLongValue();
        case "z" -> compression = p.getIntValue();
        case "fid" -> key[0] = p.getText();
        case "kid" -> key[1] = p.getText();
        case "wk" -> key[2] = p.getText();
        default -> p.skipChildren();
      }
    }
    NamespaceLoader loader = loaders[1];
    boolean treeLine = d != null || f != null || fv != null;
    if (!treeLine && loader != loaders[0]) {
      // A section's tree ends at the next section or at the first line that is not an entry.
      loader.finish();
      loaders[1] = loaders[0];
      loader = loaders[0];
    }
    String entryGroup = group == null ? Namespace.DEFAULT_GROUP : group;
    if (line == 1) {
      if (format != FORMAT || seq < 0) {
        throw new IllegalArgumentException("expected the header {\"checkpoint\":" + FORMAT
            + ",\"seq\":...}");
      }
      image.setLastSeq(seq);
      image.setLastTime(time);
      image.setReservedUpTo(reserved);
      image.namespace().setRootModified(rootModified);
      image.namespace().setRootAttributes(owner, entryGroup,
          permission(permission, Namespace.DIRECTORY_PERMISSION));
      return false;
    }
    if (d != null) {
      loader.directory(d, m, owner, entryGroup,
          permission(permission, Namespace.DIRECTORY_PERMISSION), policy);
    } else if (f != null || fv != null) {
      String path = f != null ? f : fv;
      if (chunks.length % 4 != 0) {
        throw new IllegalArgumentException("chunk array of " + path + " is not a multiple of 4");
      }
      List<ChunkRecord> records = records(chunks, sha, path);
      int perm = permission(permission, Namespace.FILE_PERMISSION);
      FileEncoding encoding = encoding(path, compression, logicalSize, key);
      if (f != null) {
        loader.file(f, m, (int) r, s, records, owner, entryGroup, perm, encoding, logicalSize);
      } else {
        loader.version(fv, current, number, m, (int) r, s, records, owner, entryGroup, perm,
            encoding, logicalSize);
      }
    } else if (rootPolicy != null) {
      image.namespace().setRootPolicy(rootPolicy);
    } else if (snap != null) {
      if (snapName == null) {
        throw new IllegalArgumentException("snapshot of " + snap + " without a name");
      }
      loaders[1] = image.namespace().snapshotLoader(snap, snapName, time);
    } else if (trashUser != null) {
      if (trashPath == null) {
        throw new IllegalArgumentException("trash entry of " + trashUser + " without a path");
      }
      loaders[1] = image.namespace().trashLoader(trashUser, trashPath, time, expires);
    } else if (rc != null) {
      image.retryCache().put(rc, op, rt != null && (rt.equals("restore")
          || rt.equals("snapshot") || rt.equals("trash"))
          ? sharedReply(rt, entry, number, rows)
          : reply(rt, entry, files, dirs, expires, status, message), time, null);
    } else if (user != null) {
      if (group == null || tokenHash == null) {
        throw new IllegalArgumentException("user " + user + " without its group or token hash");
      }
      image.users().load(new UserRegistry.User(user, group, superuser,
          Tokens.fromHex(tokenHash), revoked));
    } else if (decommissioned != null) {
      image.decommissions().add(decommissioned, time);
    } else if (end >= 0) {
      if (end != line - 1) {
        throw new IllegalArgumentException("end marker counts " + end + " lines, found "
            + (line - 1));
      }
      return true;
    } else {
      throw new IllegalArgumentException("unrecognized entry");
    }
    return false;
  }

  /** A file line's encoding: plain without "z", else checked against its logical size. */
  private static FileEncoding encoding(String path, int compression, long logicalSize,
      String[] key) {
    if (compression < 0) {
      if (logicalSize != -1 || !key[2].isEmpty()) {
        throw new IllegalArgumentException(path + " has a logical size or key but no compression"
            + " id");
      }
      return FileEncoding.PLAIN;
    }
    Compression c = Compression.ofId(compression);
    if (c == null) {
      throw new IllegalArgumentException(path + " has unknown compression id " + compression);
    }
    FileEncoding e = new FileEncoding(c, -1, key[0], key[1], key[2]);
    if (e.isPlain() || logicalSize < 0) {
      throw new IllegalArgumentException(path + " has an encoding that is plain or no logical"
          + " size");
    }
    return e;
  }

  /** An octal permission, or {@code absent} for a line written before entries had owners. */
  private static int permission(String octal, int absent) {
    return octal == null ? absent : OpCodec.permission(octal);
  }

  /** A cached answer to a restore, snapshot or trash request. */
  private static Message sharedReply(String rt, FileEntry e, long number, List<String[]> rows) {
    switch (rt) {
      case "restore":
        return new RestoreResponse(require(e), number);
      case "snapshot": {
        List<SnapshotResponse.SnapshotInfo> out = new java.util.ArrayList<>();
        for (String[] r : rows) {
          out.add(new SnapshotResponse.SnapshotInfo(r[0], r[1], Long.parseLong(r[2])));
        }
        return new SnapshotResponse(out);
      }
      default: {
        List<TrashResponse.TrashEntry> out = new java.util.ArrayList<>();
        for (String[] r : rows) {
          out.add(new TrashResponse.TrashEntry(r[0], Boolean.parseBoolean(r[1]),
              Long.parseLong(r[2]), Long.parseLong(r[3]), Long.parseLong(r[4]),
              Long.parseLong(r[5])));
        }
        return new TrashResponse(out);
      }
    }
  }

  /** An array of arrays of scalars, each row as strings. */
  private static List<String[]> readRows(JsonParser p, JsonToken start) throws IOException {
    if (start != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException("a cached reply's rows are not an array");
    }
    List<String[]> out = new java.util.ArrayList<>();
    while (p.nextToken() == JsonToken.START_ARRAY) {
      List<String> row = new java.util.ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        row.add(p.getText());
      }
      out.add(row.toArray(new String[0]));
    }
    return out;
  }

  private static Message reply(String rt, FileEntry e, long files, long dirs, long expires,
      String status, String message) {
    if (rt == null) {
      throw new IllegalArgumentException("retry entry without a reply type");
    }
    return switch (rt) {
      case "commit" -> new CommitFileResponse(require(e));
      case "stat" -> new StatResponse(require(e));
      case "delete" -> new DeleteResponse(files, dirs, expires);
      case "error" -> new ErrorReply(Status.valueOf(status), message, "");
      default -> throw new IllegalArgumentException("unknown reply type " + rt);
    };
  }

  private static FileEntry require(FileEntry e) {
    if (e == null) {
      throw new IllegalArgumentException("retry entry without its file entry");
    }
    return e;
  }

  private static FileEntry readEntry(JsonParser p, JsonToken start) throws IOException {
    if (start != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("field 'e' is not an object");
    }
    String path = null;
    boolean dir = false;
    long size = 0;
    long mod = 0;
    long rep = 0;
    long cs = 0;
    long cc = 0;
    String owner = Namespace.DEFAULT_OWNER;
    String group = Namespace.DEFAULT_GROUP;
    String permission = null;
    String compression = null;
    long storedSize = -1;
    String[] key = {"", "", ""};
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "compression" -> compression = p.getText();
        case "storedSize" -> storedSize = p.getLongValue();
        case "fileId" -> key[0] = p.getText();
        case "keyId" -> key[1] = p.getText();
        case "wrappedKey" -> key[2] = p.getText();
        case "path" -> path = p.getText();
        case "directory" -> dir = p.getBooleanValue();
        case "size" -> size = p.getLongValue();
        case "modified" -> mod = p.getLongValue();
        case "replication" -> rep = p.getLongValue();
        case "chunkSize" -> cs = p.getLongValue();
        case "chunkCount" -> cc = p.getLongValue();
        case "owner" -> owner = p.getText();
        case "group" -> group = p.getText();
        case "permission" -> permission = p.getText();
        default -> p.skipChildren();
      }
    }
    if (path == null) {
      throw new IllegalArgumentException("file entry without a path");
    }
    FileEncoding encoding = compression == null ? FileEncoding.PLAIN
        : new FileEncoding(Compression.ofLabel(compression), storedSize, key[0], key[1], key[2]);
    return new FileEntry(path, dir, size, mod, (int) rep, cs, (int) cc, owner, group,
        permission(permission, dir ? Namespace.DIRECTORY_PERMISSION : Namespace.FILE_PERMISSION),
        encoding);
  }

  /**
   * The compact "c" array (handle, version, length, digest per chunk) and the parallel "sh" array
   * of SHA-256s (absent, or null entries, for chunks without one) as named records.
   */
  private static List<ChunkRecord> records(long[] c, String[] sha, String path) {
    ChunkRecord[] out = new ChunkRecord[c.length / 4];
    if (sha != null && sha.length != out.length) {
      throw new IllegalArgumentException(path + " has " + out.length + " chunks but "
          + sha.length + " SHA-256 digests");
    }
    for (int i = 0; i < out.length; i++) {
      Sha256 h = sha == null || sha[i] == null ? Sha256.NONE : Sha256.parse(sha[i]);
      out[i] = new ChunkRecord(c[i * 4], c[i * 4 + 1], c[i * 4 + 2], c[i * 4 + 3], h);
    }
    return List.of(out);
  }

  private static String[] readStrings(JsonParser p, JsonToken start) throws IOException {
    if (start != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException("field 'sh' is not an array");
    }
    List<String> out = new java.util.ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      out.add(t == JsonToken.VALUE_NULL ? null : p.getText());
    }
    return out.toArray(new String[0]);
  }

  private static Policy readPolicy(JsonParser p, JsonToken start) throws IOException {
    if (start != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("a policy is not an object");
    }
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      settings.put(key, p.getText());
    }
    try {
      return Policy.of(settings);
    } catch (MetadataException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static long[] readLongs(JsonParser p, JsonToken start) throws IOException {
    if (start != JsonToken.START_ARRAY) {
      throw new IllegalArgumentException("field 'c' is not an array");
    }
    long[] a = new long[8];
    int n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = p.getLongValue();
    }
    return n == 0 ? FileNodeArrays.EMPTY : Arrays.copyOf(a, n);
  }

  /** Shared empty chunk array. */
  private static final class FileNodeArrays {
    static final long[] EMPTY = new long[0];
  }
}
