package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command as a user meets it: exit statuses, one-line errors, the final figures of a file. */
class MainTest {
  @RegisterExtension
  final StandardStreams streams = new StandardStreams();

  private String stdout() {
    return streams.stdout();
  }

  private String stderr() {
    return streams.stderr();
  }

  static Path capture(String name) throws URISyntaxException {
    return Path.of(MainTest.class.getResource("/captures/" + name).toURI());
  }

  private void assertUserError(String expectedText, String... args) {
    int status = Main.run(args);
    assertEquals(2, status, () -> Arrays.toString(args) + ": " + stderr());
    List<String> lines = stderr().lines().toList();
    assertEquals(1, lines.size(), () -> "one line, no stack trace: " + stderr());
    assertTrue(lines.get(0).startsWith("clustertop: "), lines.get(0));
    assertTrue(lines.get(0).contains(expectedText), () -> lines.get(0) + " should say " + expectedText);
    streams.reset();
  }

  @Test
  void badOptionsAreOneLineAndStatusTwo() {
    assertUserError("Unknown option", "--no-such-option");
    assertUserError("invalid sort order '3s'", "-r", "x.pcap", "-o", "3s");
    assertUserError("invalid -F '10.0.0.0/40'", "-r", "x.pcap", "-F", "10.0.0.0/40");
    assertUserError("invalid -G '10.0.0.0/8'", "-r", "x.pcap", "-G", "10.0.0.0/8");
    assertUserError("-L", "-L", "many");
    assertUserError("invalid -s 0", "-r", "x.pcap", "-s", "0");
    assertUserError("invalid unit", "-r", "x.pcap", "-u", "furlongs");
    assertUserError("invalid -m 'fast'", "-r", "x.pcap", "-t", "-m", "fast");
  }

  @Test
  void missingAndCorruptFilesAreOneLineAndStatusTwo(@TempDir Path dir) throws Exception {
    assertUserError("no such file", "-r", dir.resolve("absent.pcap").toString());
    Path junk = Files.writeString(dir.resolve("junk.pcap"), "this is not a capture");
    assertUserError("not a pcap or pcapng file", "-r", junk.toString());
  }

  @Test
  void anUnknownInterfaceListsTheOnesThereAre() {
    assertUserError("there are: ", "-i", "no-such-interface0", "-t");
  }

  @Test
  void aBadConfigurationFileNamesItsLine(@TempDir Path dir) throws Exception {
    Path rc = Files.writeString(dir.resolve("iftoprc"), "dns-resolution: no\nsort: sideways\n");
    assertUserError(rc + ":2", "-c", rc.toString(), "-r", capture("mix.pcap").toString());
  }

  @Test
  void aTruncatedFilePrintsTheFiguresUpToTheDamageThenFails(@TempDir Path dir) throws Exception {
    byte[] whole = Files.readAllBytes(capture("tcp-ipv4.pcap"));
    Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(whole, whole.length - 10));
    assertEquals(2, Main.run("-r", cut.toString(), "-n", "-N", "--json"));
    assertTrue(stderr().contains("truncated record"), stderr());
    String last = stdout().lines().reduce((a, b) -> b).orElseThrow();
    assertTrue(last.contains("\"sent_packets\""), last);
  }

  @Test
  void theLastJsonObjectOfAFileHoldsItsFinalFigures() throws Exception {
    assertEquals(0, Main.run("-r", capture("mix.pcap").toString(), "-n", "-N", "--json", "-F", "10.77.0.0/16",
        "-G", "fd77::/16"));
    List<String> lines = stdout().lines().toList();
    assertFalse(lines.isEmpty());
    String last = lines.get(lines.size() - 1);
    // mix.expected: 48 datagrams; with -F/-G, 34420 bytes less what neither net holds
    assertTrue(last.startsWith("{") && last.endsWith("}"), last);
    assertTrue(last.contains("\"decoded\":48"), last);
  }

  @Test
  void textModeStartsWithIftopsListeningLine() throws Exception {
    assertEquals(0, Main.run("-r", capture("udp-ipv4.pcap").toString(), "-n", "-N", "-t", "-s", "1"));
    String text = stdout();
    assertTrue(text.startsWith("Listening on "), text);
    assertTrue(text.contains("Cumulative (sent/received/total):"), text);
  }

  /** picocli takes a short option's value attached as well: each spelling reads the file, and is known as a file read. */
  @Test
  void aFileIsReadWithTheValueApartAttachedOrAfterAnEqualsSign() throws Exception {
    String file = capture("udp-ipv4.pcap").toString();
    for (List<String> read : List.of(List.of("-r", file), List.of("-r" + file), List.of("-r=" + file))) {
      String[] args = Stream.concat(read.stream(), Stream.of("-n", "-N", "--json")).toArray(String[]::new);
      assertTrue(Main.readsFile(args), read.toString());
      assertEquals(0, Main.run(args), read.toString());
    }
    assertFalse(Main.readsFile("-n", "-i", "eth0", "-t"));
  }

  @Test
  void eachSubcommandIsAddedUnderItsOwnName() {
    for (IftopCommand.Subcommand s : IftopCommand.SUBCOMMANDS) {
      assertEquals(s.name(), new picocli.CommandLine(s.command().get()).getCommandName());
    }
  }

  @Test
  void subcommandsAreAddedWhenAWordNamesOneOrTheHelpIsAsked() {
    assertTrue(Main.mayNameSubcommand("--quiet", "console", "--connect", "127.0.0.1:1"));
    assertTrue(Main.mayNameSubcommand("agent"));
    assertTrue(Main.mayNameSubcommand("--help"));
    assertTrue(Main.mayNameSubcommand("gen-manpage", "--outdir", "x"));
    assertFalse(Main.mayNameSubcommand("-i", "eth0", "-n"));
    assertFalse(Main.mayNameSubcommand("-r", "x.pcap", "--version"));
    assertFalse(Main.mayNameSubcommand());
  }

  @Test
  void aCommandLineThatStartsWithASubcommandGetsThatOneOnly() {
    assertEquals(List.of("agent"), names(Main.subcommandsFor("agent", "-i", "eth0", "--collector", "c:7447")));
    assertEquals(List.of("collector"), names(Main.subcommandsFor("collector", "--help")));
    assertEquals(names(IftopCommand.SUBCOMMANDS), names(Main.subcommandsFor("--quiet", "agent", "-i", "eth0")));
    assertEquals(names(IftopCommand.SUBCOMMANDS), names(Main.subcommandsFor("--help")));
    assertEquals(List.of(), names(Main.subcommandsFor("-i", "eth0", "-n")));
    assertEquals(List.of(), names(Main.subcommandsFor()));
    // Parsed with the one parser: its options, its errors, its help.
    assertUserError("Unknown option: '--no-such-option' (see clustertop agent --help)", "agent", "--no-such-option");
    assertUserError("--max-conversations", "agent", "--max-conversations", "many");
    assertEquals(0, Main.run("collector", "--help"));
    assertTrue(stdout().contains("Usage: clustertop collector"), stdout());
  }

  private static List<String> names(List<IftopCommand.Subcommand> subcommands) {
    return subcommands.stream().map(IftopCommand.Subcommand::name).toList();
  }
}
