package io.clustertop.launcher;

import io.clustertop.agent.capture.LiveCapture;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/** The {@code clustertop} command. */
public final class Main {
  /** The help options: they name no subcommand, but the help lists them. */
  private static final List<String> HELP = List.of("-h", "--help");
  /** Hidden subcommands, for install.sh: the man pages and bash completion, made from the commands themselves. */
  private static final String MAN_PAGES = "gen-manpage";
  private static final String COMPLETION = "generate-completion";

  private Main() {}

  public static void main(String[] args) {
    if (localCapture(args)) {
      LiveCapture.prepareInBackground(); // the local mode captures: its native set-up beside the parsing
    }
    StopOnSignal.exit(run(args));
  }

  /**
   * Runs the command line and returns the exit status (2 for anything the user can fix). The log
   * is configured from {@code --quiet} and {@code --log-format} before the command runs.
   */
  static int run(String... args) {
    IftopCommand root = new IftopCommand();
    CommandLine cli = new CommandLine(root);
    List<IftopCommand.Subcommand> subcommands = subcommandsFor(args);
    subcommands.forEach(s -> cli.addSubcommand(s.name(), s.command().get()));
    if (subcommands.equals(IftopCommand.SUBCOMMANDS)) {
      cli.addSubcommand(MAN_PAGES, hidden(new ManPageGenerator()));
      cli.addSubcommand(COMPLETION, hidden(new AutoComplete.GenerateCompletion()));
    }
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

  /**
   * The subcommands the parser is built with. A command line that starts with one (an agent's, a
   * collector's) gets that one only: another's options would load their types, which the process
   * never uses (42 classes fewer in an agent, BENCHMARKS.md). Otherwise all of them if a word may
   * name one or the help that lists them is asked ({@link #mayNameSubcommand}), else none.
   */
  static List<IftopCommand.Subcommand> subcommandsFor(String... args) {
    if (args.length > 0) {
      for (IftopCommand.Subcommand s : IftopCommand.SUBCOMMANDS) {
        if (s.name().equals(args[0])) {
          return List.of(s);
        }
      }
    }
    return mayNameSubcommand(args) ? IftopCommand.SUBCOMMANDS : List.of();
  }

  /**
   * Whether the command line may name a subcommand (a word of it is a subcommand's name) or asks
   * for the help that lists them. Only then are they added ({@link IftopCommand#SUBCOMMANDS} says why).
   */
  static boolean mayNameSubcommand(String... args) {
    for (String a : args) {
      if (HELP.contains(a) || a.equals(MAN_PAGES) || a.equals(COMPLETION)
          || IftopCommand.SUBCOMMANDS.stream().anyMatch(s -> s.name().equals(a))) {
        return true;
      }
    }
    return false;
  }

  /** Whether this is the local mode on a live interface (not -r, not a help or version). */
  private static boolean localCapture(String... args) {
    List<String> arguments = List.of(args);
    return !mayNameSubcommand(args) && !readsFile(args) && !arguments.contains("--version")
        && !arguments.contains("-V");
  }

  /**
   * Whether the command line reads a file: {@code -r FILE}, {@code -rFILE} or {@code -r=FILE}, the
   * spellings picocli takes (no other option starts with {@code -r}). bin/clustertop's C1-only rule
   * matches the same words.
   */
  static boolean readsFile(String... args) {
    for (String a : args) {
      if (a.startsWith("-r")) {
        return true;
      }
    }
    return false;
  }

  private static CommandLine hidden(Object command) {
    CommandLine c = new CommandLine(command);
    c.getCommandSpec().usageMessage().hidden(true);
    return c;
  }
}
