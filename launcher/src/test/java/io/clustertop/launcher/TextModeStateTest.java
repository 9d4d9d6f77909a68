package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.RowKey;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.ViewOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** iftop 1.0pre4's text-mode keys, with its messages. */
class TextModeStateTest {
  private final TextModeState state = new TextModeState(ViewOptions.defaults(), true, true);

  @Test
  void portKeysCycleAsIftopDoes() {
    assertEquals("Showing ports: src.\n\n", state.apply('S'));
    assertEquals("Showing ports: both.\n\n", state.apply('D'));
    assertEquals("Showing ports: dest.\n\n", state.apply('S'));
    assertEquals("Showing ports: none.\n\n", state.apply('D'));
    assertEquals("Showing ports: both.\n\n", state.apply('p'));
    assertEquals(PortDisplay.ON, state.display.view().ports());
    assertEquals("Showing ports: none.\n\n", state.apply('p'));
  }

  @Test
  void hostsNamesAndSorting() {
    assertEquals("Hide source host\n\n", state.apply('s'));
    assertFalse(state.display.view().showSource());
    assertEquals("Hide destination host\n\n", state.apply('d'));
    assertEquals("DNS resolution is OFF.\n\n", state.apply('n'));
    assertEquals("Port resolution is OFF.\n\n", state.apply('N'));
    assertEquals("Sorting by column 1.\n\n", state.apply('1'));
    assertEquals(SortOrder.LAST_2S, state.display.view().sort());
    assertEquals("Sorting by column destination.\n\n", state.apply('>'));
    assertEquals(SortOrder.DESTINATION, state.display.view().sort());
  }

  @Test
  void pauseFreezeAndQuit() {
    assertEquals("Pausing... press 'P' again to continue.\n", state.apply('P'));
    assertTrue(state.display.paused());
    assertEquals("Continuing.\n\n", state.apply('P'));
    RowKey shown = new RowKey(new Endpoint(null, 1), new Endpoint(null, 2), 6);
    state.display.shown(List.of(shown));
    assertEquals("Order frozen.\n\n", state.apply('o'));
    assertEquals(List.of(shown), state.display.view().frozenOrder());
    assertEquals("Order unfrozen.\n\n", state.apply('o'));
    assertTrue(state.display.view().frozenOrder().isEmpty());
    assertNull(state.apply('z'));
    state.apply('q');
    assertTrue(state.display.quit());
  }
}
