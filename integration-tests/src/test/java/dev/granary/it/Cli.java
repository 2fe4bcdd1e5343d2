package dev.granary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Runs {@code bin/granary} as a process and captures exit code, stdout and stderr. */
public final class Cli {
  /** What one command did. */
  public record Result(int code, String out, String err, long millis) {
    @Override
    public String toString() {
      return "exit " + code + " in " + millis + " ms\nstdout: " + out + "\nstderr: " + err;
    }

    /** Asserts exit {@code expected}, one line on stderr holding {@code fragment}, no stdout. */
    public void failsInOneLine(int expected, String fragment) {
      assertEquals(expected, code, this::toString);
      assertEquals(1, err.strip().lines().count(), this::toString);
      assertTrue(err.contains(fragment), this::toString);
      assertEquals("", out, this::toString);
    }
  }

  /** The superuser's credentials of each secured cluster's master, by {@code host:port}. */
  private static final Map<String, Path> CREDENTIALS = new ConcurrentHashMap<>();

  private Cli() {}

  /**
   * Client commands sent to {@code master} run with {@code credentials} (as
   * {@code GRANARY_CREDENTIALS}) unless they name their own; {@link ProcessCluster} registers its
   * secured master's {@code admin.credentials} here.
   */
  public static void useCredentials(String master, Path credentials) {
    CREDENTIALS.put(master, credentials);
  }

  /** Sets {@code GRANARY_CREDENTIALS} for a command to {@code master}, when registered. */
  private static void credentials(ProcessBuilder pb, String master, List<String> args) {
    pb.environment().remove("GRANARY_CREDENTIALS");
    Path file = master == null ? null : CREDENTIALS.get(master);
    if (file != null && !args.contains("--credentials")) {
      pb.environment().put("GRANARY_CREDENTIALS", file.toString());
    }
  }

  /** Runs a client command against {@code cluster} and asserts exit 0 (with its logs if not). */
  public static Result ok(ProcessCluster cluster, String... args)
      throws IOException, InterruptedException {
    Result r = run(cluster.masterAddress().toString(), null, args);
    assertEquals(0, r.code(), () -> r + "\n" + cluster.logs());
    return r;
  }

  public static Result run(String master, byte[] stdin, String... args)
      throws IOException, InterruptedException {
    return run(master, stdin, null, args);
  }

  /**
   * Runs a client command as the holder of {@code credentials}, or of none at all when it is
   * {@code null} (whatever is registered for {@code master} is not used).
   */
  public static Result runAs(Path credentials, String master, String... args)
      throws IOException, InterruptedException {
    return run(master, null, credentials == null ? Optional.empty() : Optional.of(credentials),
        args);
  }

  /** {@code as}: null for the credentials registered for {@code master}, else these or none. */
  private static Result run(String master, byte[] stdin, Optional<Path> as, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessCluster.launcher().toString());
    cmd.addAll(List.of(args));
    if (master != null) {
      cmd.add("--master");
      cmd.add(master);
    }
    ProcessBuilder pb = ChildJvm.configure(new ProcessBuilder(cmd));
    pb.environment().remove("GRANARY_MASTER");
    if (as == null) {
      credentials(pb, master, List.of(args));
    } else {
      pb.environment().remove("GRANARY_CREDENTIALS");
      as.ifPresent(file -> pb.environment().put("GRANARY_CREDENTIALS", file.toString()));
    }
    long t0 = System.nanoTime();
    Process p = pb.start();
    CompletableFuture<byte[]> out = drain(p.getInputStream());
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    if (stdin != null) {
      p.getOutputStream().write(stdin);
    }
    p.getOutputStream().close();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("granary " + String.join(" ", args) + " did not finish in 120 s");
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
        new String(err.join(), StandardCharsets.UTF_8), ms);
  }

  public static byte[] runBytes(String master, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessCluster.launcher().toString());
    cmd.addAll(List.of(args));
    cmd.add("--master");
    cmd.add(master);
    ProcessBuilder pb = ChildJvm.configure(new ProcessBuilder(cmd)
        .redirectError(ProcessBuilder.Redirect.DISCARD));
    credentials(pb, master, List.of(args));
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    p.waitFor(120, TimeUnit.SECONDS);
    if (p.exitValue() != 0) {
      throw new AssertionError("granary " + String.join(" ", args) + " exited " + p.exitValue());
    }
    return out;
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
      } catch (IOException e) {
        return new byte[0];
      }
    });
  }
}
