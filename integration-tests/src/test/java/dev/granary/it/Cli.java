package dev.granary.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code bin/granary} as a process and captures exit code, stdout and stderr. */
public final class Cli {
  /** What one command did. */
  public record Result(int code, String out, String err, long millis) {
    @Override
    public String toString() {
      return "exit " + code + " in " + millis + " ms\nstdout: " + out + "\nstderr: " + err;
    }
  }

  private Cli() {}

  public static Result run(String master, byte[] stdin, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessCluster.launcher().toString());
    cmd.addAll(List.of(args));
    if (master != null) {
      cmd.add("--master");
      cmd.add(master);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("GRANARY_MASTER");
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
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
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
