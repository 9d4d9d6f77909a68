package io.clustertop.console.screen;

/**
 * One line of the screen, as wide as the screen: its characters, how many of them from the left are
 * in reverse video (iftop's bars, and its messages on the top line), and whether it is bold (the
 * selected row).
 */
public record ScreenLine(String text, int reverse, boolean bold) {}
