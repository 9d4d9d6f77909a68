package io.clustertop.console.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.core.view.Window;
import org.junit.jupiter.api.Test;

/** iftop 1.0pre4's full-screen keys, with the messages its ui.c shows. */
class DisplayStateTest {
  private final DisplayState state = new DisplayState(ViewOptions.defaults(), true, true);

  @Test
  void lineModesBarsAndScale() {
    assertEquals("One line per host", state.apply('t'));
    assertEquals("Sent traffic only", state.apply('t'));
    assertEquals("Received traffic only", state.apply('t'));
    assertEquals("Two lines per host", state.apply('t'));
    assertEquals(LineDisplay.TWO_LINES, state.lineDisplay());
    assertEquals("Bars show 40s average", state.apply('B'));
    assertEquals("Bars show 2s average", state.apply('B'));
    assertEquals("Bars show 10s average", state.apply('B'));
    assertEquals(Window.LAST_10S, state.barWindow());
    assertEquals("Bars off", state.apply('b'));
    assertFalse(state.bars());
    assertEquals("Logarithmic scale", state.apply('L'));
    assertEquals("Linear scale", state.apply('L'));
    assertEquals("Show cumulative totals", state.apply('T'));
    assertTrue(state.cumulative());
  }

  @Test
  void portsHostsSortAndPause() {
    assertEquals("Port display SOURCE", state.apply('S'));
    assertEquals("Port display ON", state.apply('D'));
    assertEquals("Port display DEST", state.apply('S'));
    assertEquals("Port display OFF", state.apply('D'));
    assertEquals(PortDisplay.OFF, state.view().ports());
    assertEquals("Hide source host", state.apply('s'));
    assertEquals("Hide dest host", state.apply('d'));
    assertEquals("DNS resolution off", state.apply('n'));
    assertEquals("Sort by col 3", state.apply('3'));
    assertEquals(SortOrder.LAST_40S, state.view().sort());
    assertEquals("Sort by dest", state.apply('>'));
    assertEquals("Display paused", state.apply('P'));
    assertTrue(state.paused());
  }

  @Test
  void helpScrollAndUnknownKeys() {
    assertEquals("", state.apply('h'));
    assertTrue(state.help());
    assertEquals("", state.apply('?'));
    assertFalse(state.help());
    state.apply('j');
    state.apply('j');
    state.apply('k');
    assertEquals(1, state.scroll());
    state.apply('k');
    state.apply('k');
    assertEquals(0, state.scroll());
    assertNull(state.apply('z'));
  }
}
