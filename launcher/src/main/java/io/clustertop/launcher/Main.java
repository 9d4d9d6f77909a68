package io.clustertop.launcher;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/** The {@code clustertop} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    StopOnSignal.exit(run(args));
  }

  /**
   * Runs the command line and returns the exit status (2 for anything the user can fix). The log
   * is configured from {@code --quiet} and {@code --log-format} before the command runs.
   */
  static int run(String... args) {
    IftopCommand root = new IftopCommand();
    CommandLine cli = new CommandLine(root);
    // For install.sh, left out of the help: the man pages and bash completion, made from the commands themselves.
    cli.addSubcommand("gen-manpage", hidden(new ManPageGenerator()));
    cli.addSubcommand("generate-completion", hidden(new AutoComplete.GenerateCompletion()));
    cli.setExecutionStrategy(parseResult -> {
      try {
        Logging.configure(root.quiet, Logging.format(root.logFormat));
      } catch (UserError e) {
        cli.getErr().println("clustertop: " + e.getMessage());
        return ExitStatus.USAGE;
      }
      return new CommandLine.RunLast().execute(parseResult);
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof UserError) {
        commandLine.getErr().println("clustertop: " + e.getMessage());
        return ExitStatus.USAGE;
      }
      throw e;
    });
    cli.setParameterExceptionHandler((e, args1) -> {
      CommandLine c = e.getCommandLine();
      c.getErr().println("clustertop: " + e.getMessage() + " (see " + c.getCommandSpec().qualifiedName() + " --help)");
      return ExitStatus.USAGE;
    });
    return cli.execute(args);
  }

  private static CommandLine hidden(Object command) {
    CommandLine c = new CommandLine(command);
    c.getCommandSpec().usageMessage().hidden(true);
    return c;
  }
}
