package dev.granary.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top of the command tree: {@code granary [-v] COMMAND ...}. */
@Command(name = "granary",
    mixinStandardHelpOptions = true,
    versionProvider = GranaryCommand.Version.class,
    description = "Granary: a distributed file system in the mould of GFS.",
    subcommandsRepeatable = false,
    usageHelpAutoWidth = true)
public final class GranaryCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @CommandLine.Mixin
  GlobalOptions global;

  @Override
  public void run() {
    // "granary" alone: show what exists.
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command tree with the error handling that maps failures onto exit codes. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new GranaryCommand());
    for (Object sub : Commands.all()) {
      cli.addSubcommand(sub);
    }
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(Failures::onParameterException);
    cli.setExecutionExceptionHandler(Failures::onExecutionException);
    cli.setExitCodeExceptionMapper(Failures::exitCode);
    return cli;
  }

  /** {@code --version}: the build's version and the wire protocol version it speaks. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      return new String[] {"granary " + version() + " (protocol "
          + dev.granary.wire.Frames.VERSION + ", Java " + System.getProperty("java.version") + ")"};
    }

    static String version() throws IOException {
      Properties p = new Properties();
      try (InputStream in = GranaryCommand.class.getResourceAsStream(
          "/granary-version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return p.getProperty("version", "unknown");
    }
  }
}
