package dev.granary.master.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.granary.master.namespace.ChunkRecord;
import dev.granary.master.security.Caller;
import dev.granary.master.security.Permissions;
import dev.granary.master.security.Tokens;
import dev.granary.wire.ChunkHandles;
import dev.granary.wire.Compression;
import dev.granary.wire.Sha256;
import dev.granary.wire.Status;
import dev.granary.wire.msg.FileEncoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of one log record, one object per line, for example:
 *
 * <pre>
 * {"seq":7,"type":"commit","time":1700000000000,"client":"c1","op":3,"path":"/a/f",
 *  "overwrite":false,"replication":3,"chunkSize":67108864,
 *  "chunks":[{"handle":"0000000000000001","version":1,"length":5,"digest":-123}]}
 * </pre>
 *
 * Types: mkdir, commit, delete, rename, failure, reserve, digest, setPermission, setOwner, useradd,
 * userrevoke, decommission, recommission, policy, restore, snapshot, trashRestore, trashEmpty,
 * trashExpire, rekey. A commit of a compressed or encrypted file adds {@code "size"} (what readers
 * get), {@code "compression"} (none, lz4, zstd) and, if encrypted, {@code "fileId"},
 * {@code "keyId"} and {@code "wrappedKey"}; a plain commit has none of them. Handles are 16-hex-digit strings as everywhere else.
 * Decoding rejects a record with a missing or mistyped field. A mkdir or commit carries the {@code
 * "owner"} and {@code "group"} its new entries get; one written before entries had owners has
 * neither and loads as admin's. A permission is an octal string ({@code "permission":"750"}); an
 * owner or group of {@code ""} is left unchanged. A user record holds a user's name, group,
 * superuser flag and the SHA-256 of its token as 64 hex digits, never the token:
 *
 * <pre>
 * {"seq":8,"type":"setPermission","time":1700000000000,"path":"/a","permission":"750",
 *  "recursive":true}
 * {"seq":9,"type":"setOwner","time":1700000000000,"path":"/a","owner":"bob","group":"",
 *  "recursive":false}
 * {"seq":10,"type":"decommission","time":1700000000000,"node":"cs-3f2a"}
 * </pre>
 */
public final class OpCodec {
  private final JsonFactory factory;
  private final ObjectMapper mapper;

  public OpCodec(ObjectMapper mapper) {
    this.mapper = mapper;
    this.factory = mapper.getFactory();
  }

  /** A decoded line: its sequence number and operation. */
  public record Record(long seq, Op op) {}

  /** The line for {@code op} with sequence number {@code seq}, newline included. */
  public byte[] encode(long seq, Op op) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(160);
    try (JsonGenerator g = factory.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("seq", seq);
      g.writeStringField("type", typeOf(op));
      g.writeNumberField("time", op.time());
      if (op instanceof Op.Mutation m) {
        g.writeStringField("client", m.clientId());
        g.writeNumberField("op", m.opId());
      }
      if (op instanceof Op.Mkdir m) {
        g.writeStringField("path", m.path());
        g.writeBooleanField("parents", m.parents());
        g.writeStringField("owner", m.owner());
        g.writeStringField("group", m.group());
      } else if (op instanceof Op.Commit c) {
        g.writeStringField("path", c.path());
        g.writeBooleanField("overwrite", c.overwrite());
        g.writeNumberField("replication", c.replication());
        g.writeNumberField("chunkSize", c.chunkSize());
        g.writeArrayFieldStart("chunks");
        for (ChunkRecord ch : c.chunks()) {
          g.writeStartObject();
          g.writeStringField("handle", ChunkHandles.format(ch.handle()));
          g.writeNumberField("version", ch.version());
          g.writeNumberField("length", ch.length());
          g.writeNumberField("digest", ch.digest());
          if (!ch.sha256().isNone()) {
            g.writeStringField("sha256", ch.sha256().hex());
          }
          if (c.dedup().contains(ch.handle())) {
            g.writeStringField("reuse", "dedup");
          } else if (c.reused().contains(ch.handle())) {
            g.writeStringField("reuse", "file");
          }
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("owner", c.owner());
        g.writeStringField("group", c.group());
        if (!c.encoding().isPlain()) {
          // Only compressed or encrypted files carry these: a plain record stays as it was.
          g.writeNumberField("size", c.size());
          g.writeStringField("compression", c.encoding().compression().label());
          if (c.encoding().encrypted()) {
            g.writeStringField("fileId", c.encoding().fileId());
            g.writeStringField("keyId", c.encoding().keyId());
            g.writeStringField("wrappedKey", c.encoding().wrappedKey());
          }
        }
      } else if (op instanceof Op.Delete d) {
        g.writeStringField("path", d.path());
        g.writeBooleanField("recursive", d.recursive());
        if (d.skipTrash()) {
          g.writeBooleanField("skipTrash", true);
        }
        g.writeStringField("user", d.user());
        g.writeStringField("group", d.group());
      } else if (op instanceof Op.Rename r) {
        g.writeStringField("source", r.source());
        g.writeStringField("destination", r.destination());
      } else if (op instanceof Op.Failure f) {
        g.writeStringField("kind", f.kind());
        g.writeStringField("status", f.status().name());
        g.writeStringField("message", f.message());
      } else if (op instanceof Op.Reserve r) {
        g.writeNumberField("upTo", r.upTo());
      } else if (op instanceof Op.SetDigest s) {
        g.writeStringField("handle", ChunkHandles.format(s.handle()));
        g.writeNumberField("length", s.length());
        g.writeNumberField("digest", s.digest());
      } else if (op instanceof Op.SetPermission p) {
        g.writeStringField("path", p.path());
        g.writeStringField("permission", Permissions.octal(p.permission()));
        g.writeBooleanField("recursive", p.recursive());
      } else if (op instanceof Op.SetOwner o) {
        g.writeStringField("path", o.path());
        g.writeStringField("owner", o.owner());
        g.writeStringField("group", o.group());
        g.writeBooleanField("recursive", o.recursive());
      }
      // Versions, snapshots, trash, policies.
      if (op instanceof Op.SetPolicy p) {
        g.writeStringField("path", p.path());
        g.writeObjectFieldStart("settings");
        for (java.util.Map.Entry<String, String> e : p.settings().entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      } else if (op instanceof Op.Restore r) {
        g.writeStringField("path", r.path());
        g.writeNumberField("version", r.version());
        g.writeStringField("owner", r.owner());
        g.writeStringField("group", r.group());
      } else if (op instanceof Op.Snapshot sn) {
        g.writeBooleanField("create", sn.create());
        g.writeStringField("dir", sn.dir());
        g.writeStringField("name", sn.name());
      } else if (op instanceof Op.TrashRestore t) {
        g.writeStringField("path", t.path());
        g.writeStringField("user", t.user());
        g.writeStringField("group", t.group());
      } else if (op instanceof Op.TrashEmpty t) {
        g.writeStringField("user", t.user());
      } else if (op instanceof Op.Rekey k) { // compression and encryption
        g.writeStringField("path", k.path());
        g.writeNumberField("version", k.version());
        g.writeStringField("oldWrappedKey", k.oldWrappedKey());
        g.writeStringField("keyId", k.keyId());
        g.writeStringField("wrappedKey", k.wrappedKey());
      }
      // Users (security).
      if (op instanceof Op.UserAdd u) {
        g.writeStringField("name", u.name());
        g.writeStringField("group", u.group());
        g.writeBooleanField("superuser", u.superuser());
        g.writeStringField("tokenHash", Tokens.toHex(u.tokenHash()));
      } else if (op instanceof Op.UserRevoke u) {
        g.writeStringField("name", u.name());
      }
      // Operating the cluster.
      if (op instanceof Op.Decommission d) {
        g.writeStringField("node", d.nodeId());
      } else if (op instanceof Op.Recommission r) {
        g.writeStringField("node", r.nodeId());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  /**
   * Decodes one line (without its newline).
   *
   * @throws IllegalArgumentException naming the problem if the line is not a valid record
   */
  public Record decode(byte[] buf, int offset, int length) {
    JsonNode n;
    try {
      n = mapper.readTree(buf, offset, length);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + firstLine(e.getMessage()));
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    long seq = num(n, "seq");
    String type = text(n, "type");
    long time = num(n, "time");
    Op op = switch (type) {
      case "mkdir" -> new Op.Mkdir(text(n, "client"), num(n, "op"), time, text(n, "path"),
          bool(n, "parents"), textOr(n, "owner", Caller.ADMIN),
          textOr(n, "group", Caller.ADMIN_GROUP));
      case "commit" -> new Op.Commit(text(n, "client"), num(n, "op"), time, text(n, "path"),
          bool(n, "overwrite"), (int) num(n, "replication"), num(n, "chunkSize"), chunks(n),
          textOr(n, "owner", Caller.ADMIN), textOr(n, "group", Caller.ADMIN_GROUP),
          reused(n, null), reused(n, "dedup"), encoding(n),
          n.has("size") ? num(n, "size") : -1);
      case "delete" -> new Op.Delete(text(n, "client"), num(n, "op"), time, text(n, "path"),
          bool(n, "recursive"), n.path("skipTrash").asBoolean(false),
          textOr(n, "user", Caller.ADMIN), textOr(n, "group", Caller.ADMIN_GROUP));
      // Versions, snapshots, trash, policies.
      case "policy" -> new Op.SetPolicy(time, text(n, "path"), strings(n, "settings"));
      case "restore" -> new Op.Restore(text(n, "client"), num(n, "op"), time, text(n, "path"),
          num(n, "version"), text(n, "owner"), text(n, "group"));
      case "snapshot" -> new Op.Snapshot(text(n, "client"), num(n, "op"), time,
          bool(n, "create"), text(n, "dir"), text(n, "name"));
      case "trashRestore" -> new Op.TrashRestore(text(n, "client"), num(n, "op"), time,
          text(n, "path"), text(n, "user"), text(n, "group"));
      case "trashEmpty" -> new Op.TrashEmpty(text(n, "client"), num(n, "op"), time,
          text(n, "user"));
      case "trashExpire" -> new Op.TrashExpire(time);
      case "rekey" -> new Op.Rekey(text(n, "client"), num(n, "op"), time, text(n, "path"),
          num(n, "version"), text(n, "oldWrappedKey"), text(n, "keyId"), text(n, "wrappedKey"));
      case "rename" -> new Op.Rename(text(n, "client"), num(n, "op"), time, text(n, "source"),
          text(n, "destination"));
      case "failure" -> new Op.Failure(text(n, "client"), num(n, "op"), time, text(n, "kind"),
          status(text(n, "status")), text(n, "message"));
      case "reserve" -> new Op.Reserve(time, num(n, "upTo"));
      case "digest" -> new Op.SetDigest(time, handle(text(n, "handle")), num(n, "length"),
          num(n, "digest"));
      case "setPermission" -> new Op.SetPermission(time, text(n, "path"),
          permission(text(n, "permission")), bool(n, "recursive"));
      case "setOwner" -> new Op.SetOwner(time, text(n, "path"), text(n, "owner"),
          text(n, "group"), bool(n, "recursive"));
      // Users (security).
      case "useradd" -> new Op.UserAdd(time, text(n, "name"), text(n, "group"),
          bool(n, "superuser"), Tokens.fromHex(text(n, "tokenHash")));
      case "userrevoke" -> new Op.UserRevoke(time, text(n, "name"));
      // Operating the cluster.
      case "decommission" -> new Op.Decommission(time, text(n, "node"));
      case "recommission" -> new Op.Recommission(time, text(n, "node"));
      default -> throw new IllegalArgumentException("unknown record type '" + type + "'");
    };
    return new Record(seq, op);
  }

  static String typeOf(Op op) {
    if (op instanceof Op.Mkdir) {
      return "mkdir";
    } else if (op instanceof Op.Commit) {
      return "commit";
    } else if (op instanceof Op.Delete) {
      return "delete";
    } else if (op instanceof Op.Rename) {
      return "rename";
    } else if (op instanceof Op.Failure) {
      return "failure";
    } else if (op instanceof Op.Reserve) {
      return "reserve";
    } else if (op instanceof Op.SetPermission) {
      return "setPermission";
    } else if (op instanceof Op.SetOwner) {
      return "setOwner";
    } else if (op instanceof Op.SetDigest) {
      return "digest";
    }
    // Versions, snapshots, trash, policies.
    if (op instanceof Op.SetPolicy) {
      return "policy";
    } else if (op instanceof Op.Restore) {
      return "restore";
    } else if (op instanceof Op.Snapshot) {
      return "snapshot";
    } else if (op instanceof Op.TrashRestore) {
      return "trashRestore";
    } else if (op instanceof Op.TrashEmpty) {
      return "trashEmpty";
    } else if (op instanceof Op.TrashExpire) {
      return "trashExpire";
    } else if (op instanceof Op.Rekey) {
      return "rekey";
    }
    // Operating the cluster.
    if (op instanceof Op.Decommission) {
      return "decommission";
    } else if (op instanceof Op.Recommission) {
      return "recommission";
    }
    // Users (security).
    return op instanceof Op.UserAdd ? "useradd" : "userrevoke";
  }

  /** A field written only by newer versions: {@code absent} when the line has none. */
  static String textOr(JsonNode n, String field, String absent) {
    return n.has(field) ? text(n, field) : absent;
  }

  /** An octal permission string, "000".."777". */
  static int permission(String s) {
    if (!s.matches("[0-7]{3}")) {
      throw new IllegalArgumentException("permission '" + s + "' is not 3 octal digits");
    }
    return Integer.parseInt(s, 8);
  }

  private static List<ChunkRecord> chunks(JsonNode n) {
    JsonNode arr = n.get("chunks");
    if (arr == null || !arr.isArray()) {
      throw new IllegalArgumentException("field 'chunks' missing or not an array");
    }
    List<ChunkRecord> out = new ArrayList<>(arr.size());
    for (JsonNode c : arr) {
      out.add(new ChunkRecord(handle(text(c, "handle")), num(c, "version"), num(c, "length"),
          num(c, "digest"), c.has("sha256") ? sha256(text(c, "sha256")) : Sha256.NONE));
    }
    return out;
  }

  /**
   * A commit's encoding: plain without a "size" field (every record written before compression
   * and encryption existed), else the compression and, if encrypted, the key fields.
   */
  private static FileEncoding encoding(JsonNode n) {
    if (!n.has("size")) {
      return FileEncoding.PLAIN;
    }
    Compression c = Compression.ofLabel(text(n, "compression"));
    FileEncoding e = n.has("wrappedKey")
        ? new FileEncoding(c, -1, text(n, "fileId"), text(n, "keyId"), text(n, "wrappedKey"))
        : FileEncoding.compressed(c, -1);
    if (e.isPlain()) {
      throw new IllegalArgumentException("a commit with a size is neither compressed nor"
          + " encrypted");
    }
    return e;
  }

  /** The handles of the commit's chunks marked reused ({@code kind} null: either kind). */
  private static java.util.Set<Long> reused(JsonNode n, String kind) {
    java.util.Set<Long> out = new java.util.HashSet<>();
    for (JsonNode c : n.get("chunks")) {
      JsonNode r = c.get("reuse");
      if (r != null) {
        if (!r.isTextual() || !(r.asText().equals("file") || r.asText().equals("dedup"))) {
          throw new IllegalArgumentException("chunk reuse '" + r + "' is not \"file\" or \"dedup\"");
        }
        if (kind == null || r.asText().equals(kind)) {
          out.add(handle(text(c, "handle")));
        }
      }
    }
    return out;
  }

  private static Sha256 sha256(String hex) {
    return Sha256.parse(hex);
  }

  /** A JSON object of strings (a policy's settings). */
  private static java.util.Map<String, String> strings(JsonNode n, String field) {
    JsonNode o = n.get(field);
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("field '" + field + "' missing or not an object");
    }
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    o.fields().forEachRemaining(e -> {
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException("setting '" + e.getKey() + "' is not a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    });
    return out;
  }

  static long handle(String s) {
    return ChunkHandles.parse(s);
  }

  private static Status status(String s) {
    try {
      return Status.valueOf(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown status '" + s + "'");
    }
  }

  static long num(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException("field '" + field + "' missing or not an integer");
    }
    return v.longValue();
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' missing or not a string");
    }
    return v.textValue();
  }

  static boolean bool(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isBoolean()) {
      throw new IllegalArgumentException("field '" + field + "' missing or not a boolean");
    }
    return v.booleanValue();
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
