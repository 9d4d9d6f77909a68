package io.clustertop.core.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The open-addressing index against a HashMap, through adds and removes in a seeded random order. */
class KeyIndexTest {
  private record Key(long k0, long k1, long k2, long k3, long k4) {}

  @Test
  void findsWhatItHoldsThroughAddsAndRemoves() {
    for (long seed = 1; seed <= 5; seed++) {
      Random random = new Random(seed);
      KeyIndex index = new KeyIndex();
      Map<Key, Integer> model = new HashMap<>();
      List<Key> byEntry = new ArrayList<>();
      for (int step = 0; step < 20_000; step++) {
        // Small values so keys repeat and probe runs collide; some columns mostly zero.
        Key k = new Key(random.nextInt(3) == 0 ? random.nextInt(4) : 0, random.nextInt(64), 0, random.nextInt(32),
            random.nextInt(4));
        if (random.nextInt(3) > 0) {
          if (!model.containsKey(k)) {
            int e = index.add(k.k0, k.k1, k.k2, k.k3, k.k4);
            assertEquals(byEntry.size(), e);
            model.put(k, e);
            byEntry.add(k);
          }
        } else if (!byEntry.isEmpty()) {
          int e = random.nextInt(byEntry.size());
          Key removed = byEntry.get(e);
          index.remove(e);
          model.remove(removed);
          Key last = byEntry.remove(byEntry.size() - 1);
          if (e < byEntry.size()) {
            byEntry.set(e, last);
            model.put(last, e);
          }
        }
        assertEquals(model.size(), index.size());
      }
      for (Map.Entry<Key, Integer> e : model.entrySet()) {
        Key k = e.getKey();
        assertEquals(e.getValue(), index.find(k.k0, k.k1, k.k2, k.k3, k.k4), "seed " + seed);
        assertEquals(k.k1, index.get(e.getValue(), 1));
      }
      assertEquals(-1, index.find(99, 99, 99, 99, 99));
    }
  }
}
