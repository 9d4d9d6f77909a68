package io.clustertop.launcher;

import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;

/** The {@code clustertop} command. */
public final class Main {
  /** gRPC's informational logging is not for a command line's users; held so the setting sticks. */
  private static final Logger GRPC_LOG = Logger.getLogger("io.grpc");

  private Main() {}

  public static void main(String[] args) {
    GRPC_LOG.setLevel(Level.WARNING);
    StopOnSignal.exit(run(args));
  }

  /** Runs the command line and returns the exit status (2 for anything the user can fix). */
  static int run(String... args) {
    CommandLine cli = new CommandLine(new IftopCommand());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof UserError) {
        commandLine.getErr().println("clustertop: " + e.getMessage());
        return ExitStatus.USAGE;
      }
      throw e;
    });
    cli.setParameterExceptionHandler((e, args1) -> {
      CommandLine c = e.getCommandLine();
      c.getErr().println("clustertop: " + e.getMessage() + " (see clustertop -h)");
      return ExitStatus.USAGE;
    });
    return cli.execute(args);
  }
}
