package io.clustertop.console.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonWriterTest {

  @Test
  void escapesWhatJsonRequires() {
    String text = "q\" b\\ n\n r\r t\t b\b f\f nul\u0000 us\u001f del\u007f é 😀 ls\u2028 ps\u2029 /";
    assertEquals("\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f nul\\u0000 us\\u001f del\u007f é 😀 ls\\u2028 ps\\u2029 /\"",
        new JsonWriter().value(text).toString());
  }

  @Test
  void escapesLoneSurrogates() {
    assertEquals("\"a\\ud83d b\\ude00\"", new JsonWriter().value("a\ud83d b\ude00").toString());
  }

  @Test
  void numbers() {
    JsonWriter json = new JsonWriter().beginArray()
        .value(0.0).value(-0.0).value(1.0).value(0.1 + 0.2).value(2.0005).value(1e21).value(1.5e-7)
        .value(Double.NaN).value(Double.POSITIVE_INFINITY).value(Double.NEGATIVE_INFINITY)
        .value(Long.MAX_VALUE).value((Integer) null).value(7)
        .endArray();
    assertEquals("[0,0,1,0.3,2.001,1000000000000000000000,0,null,null,null,9223372036854775807,null,7]",
        json.toString());
  }

  @Test
  void commasBetweenMembersAndElements() {
    JsonWriter json = new JsonWriter().beginObject()
        .name("a").beginArray().endArray()
        .name("b").beginObject().endObject()
        .name("c").beginArray().beginObject().name("d").nullValue().endObject().value("e").endArray()
        .name("f").value((String) null)
        .endObject();
    assertEquals("{\"a\":[],\"b\":{},\"c\":[{\"d\":null},\"e\"],\"f\":null}", json.toString());
  }
}
