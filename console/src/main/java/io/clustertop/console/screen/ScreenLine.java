package io.clustertop.console.screen;

/**
 * One line of the screen, as wide as the screen: its characters, how many of them from the left are
 * in reverse video (iftop's bars, and its messages on the top line), and whether it belongs to the
 * selected row (the rows by node, for {@code enter}), which is drawn inverted: the whole line in
 * reverse video, its bar in normal video so that the bar still shows.
 */
public record ScreenLine(String text, int reverse, boolean selected) {}
