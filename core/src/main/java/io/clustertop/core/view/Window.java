package io.clustertop.core.view;

/** The averaging windows iftop shows. */
public enum Window {
  LAST_2S(1),
  LAST_10S(5),
  LAST_40S(20);

  private final int slots;

  Window(int slots) {
    this.slots = slots;
  }

  /** How many 2-second slots the window spans. */
  public int slots() {
    return slots;
  }
}
